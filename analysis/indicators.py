"""Satisfaction arithmetic on counts: pure functions, no Flask and no database.

The definitions every figure in the system uses:

* **satisfaction**: the share of scored answers in the top two of five (4 满意, 5 非常满意).
  不适用 is not a score: it is left out of both the numerator and the denominator.
* **mean score**: the mean answer mapped linearly onto 0-100 (1 -> 0, 3 -> 50, 5 -> 100).
* **interval**: the 95% Wilson score interval, which stays inside 0-100% and behaves at small n and at
  shares near 0 or 1, where the textbook normal interval does not.
* **small n**: a figure resting on fewer than :data:`MIN_N` answers is shown greyed and never ranked.
* **per 100**: a count per 100 responses (e.g. negative mentions of a theme).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Z95 = 1.959963984540054
MIN_N = 30
TOP_TWO = frozenset({4, 5})
NA = "na"
T = TypeVar("T")


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (low, high) for SUCCESSES out of N; None when N is 0.

    SUCCESSES may be fractional: a pooled share p observed on an effective sample n is `wilson(p * n, n)`.
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At p = 0 or 1 the bound is exactly 0 or 1; floating point would leave 1e-16 on the wrong side.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Counts:
    """Additive tallies of answers; sums of Counts are Counts, so SQL can pre-aggregate at any grain.

    For a scale question `answers` counts scores 1-5 and `top` those of 4-5; for the recommend question
    `answers` counts willing/unsure/unwilling and `top` the willing ones. `na` counts 不适用.
    """

    answers: int = 0
    top: int = 0
    score_sum: int = 0
    na: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.answers + other.answers, self.top + other.top, self.score_sum + other.score_sum,
                      self.na + other.na)

    @property
    def satisfaction(self) -> float | None:
        return self.top / self.answers if self.answers else None

    @property
    def mean_score(self) -> float | None:
        return mean_score(self.score_sum, self.answers)


def tally(values: Iterable[int | str | None]) -> Counts:
    """Counts of raw scale answers: integers 1-5, 'na' for 不适用, None for a skipped question."""
    answers = top = total = na = 0
    for value in values:
        if value is None:
            continue
        if value == NA:
            na += 1
            continue
        if value not in (1, 2, 3, 4, 5):
            raise ValueError(f"not a 1-5 score: {value!r}")
        answers += 1
        total += value
        top += value in TOP_TWO
    return Counts(answers, top, total, na)


def mean_score(score_sum: float, answers: int) -> float | None:
    """The mean of 1-5 answers on a 0-100 scale; None without answers."""
    return (score_sum / answers - 1) * 25 if answers else None


def per_100(count: float, responses: int) -> float | None:
    """COUNT per 100 responses; None without responses."""
    return count * 100 / responses if responses else None


@dataclass(frozen=True)
class Figure:
    """A share with its 95% interval; `n` is the sample the interval and the small-n rule rest on."""

    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def small_n(self) -> bool:
        return self.n < MIN_N

    def as_dict(self, digits: int = 4) -> dict:
        def rounded(x):
            return None if x is None else round(x, digits)
        return {"n": self.n, "value": rounded(self.value), "low": rounded(self.low), "high": rounded(self.high),
                "small_n": self.small_n}


def proportion(top: int, answers: int, n: int | None = None) -> Figure:
    """TOP of ANSWERS as a Figure.

    N is the effective sample for the interval and the small-n rule, ANSWERS by default. When one
    respondent gives several of the answers (a pooled share), pass the number of respondents: their
    answers move together, so counting each answer as independent would make the interval falsely narrow.
    """
    n = answers if n is None else min(n, answers)
    if not answers:
        return Figure(0, None, None, None)
    value = top / answers
    bounds = wilson(value * n, n)
    low, high = bounds if bounds else (None, None)
    return Figure(n, value, low, high)


@dataclass(frozen=True)
class Difference:
    """A - B with its 95% interval (Newcombe's hybrid score method); `clear` when it excludes zero."""

    value: float | None
    low: float | None
    high: float | None
    comparable: bool

    @property
    def clear(self) -> bool:
        return self.comparable and self.low is not None and (self.low > 0 or self.high < 0)

    def as_dict(self, digits: int = 4) -> dict:
        def rounded(x):
            return None if x is None else round(x, digits)
        return {"value": rounded(self.value), "low": rounded(self.low), "high": rounded(self.high),
                "comparable": self.comparable, "clear": self.clear}


def difference(a: Figure, b: Figure) -> Difference:
    """A - B; not comparable when either side is small-n (the value is still given, for reading only)."""
    if a.value is None or b.value is None:
        return Difference(None, None, None, False)
    d = a.value - b.value
    low = d - math.hypot(a.value - a.low, b.high - b.value)
    high = d + math.hypot(a.high - a.value, b.value - b.low)
    return Difference(d, max(-1.0, low), min(1.0, high), not (a.small_n or b.small_n))


def rank(items: Sequence[T], figure: Callable[[T], Figure]) -> list[tuple[int | None, T]]:
    """ITEMS from best to worst as (rank, item); small-n items come last with rank None, never ranked.

    Equal shares share a rank (1, 2, 2, 4), so a tie never looks like a difference.
    """
    ranked = sorted((i for i in items if not figure(i).small_n and figure(i).value is not None),
                    key=lambda i: -figure(i).value)
    out: list[tuple[int | None, T]] = []
    for position, item in enumerate(ranked, start=1):
        same = out and figure(out[-1][1]).value == figure(item).value
        out.append((out[-1][0] if same else position, item))
    rest = [i for i in items if figure(i).small_n or figure(i).value is None]
    rest.sort(key=lambda i: -(figure(i).value if figure(i).value is not None else -1))
    return out + [(None, i) for i in rest]
