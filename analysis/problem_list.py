"""The monthly problem list (整改问题清单): draft items from one month's figures, ranked, carried over.

Plain data in, plain data out; the web app gathers the figures and stores the result.

Two kinds of draft come from the data:

* **theme items**: a comment theme with negative mentions, as a rate per 100 responses of the list's
  scope (the hospital or one department), with the change against the previous month;
* **question items**: a survey question whose satisfaction (share of 4-5 scores) in one department is
  well below the hospital's on the same question.

Ranking: every draft is scored in the same unit, "patients per 100 respondents, at least (95 %)". A
theme item scores the lower bound of the Wilson interval of its negative-mention proportion; a question
item scores the hospital's satisfaction minus the *upper* Wilson bound of the department's. Both bounds
widen as the number of respondents shrinks, so 2 complaints out of 5 responses (40 %, bound 12) do not
outrank 30 out of 150 (20 %, bound 14): a small count must be extreme to beat a large one, which is
exactly when it is unlikely to be noise. Wilson rather than the normal interval because it behaves at
0 and at small n (`analysis.indicators.wilson`, the dashboard's interval too).

Whether a theme *rose* is judged the same way: conditional on the two months' total mentions, this
month's share is binomial with p = n1 / (n1 + n0) if the rate did not change (the exact test for two
Poisson rates); a rise is flagged only if that one-sided p-value is below 5 %.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from analysis.indicators import Z95, wilson
from analysis.ledger import LIVE  # noqa: F401 - re-exported: the dashboard counts live items with it

MIN_COUNT = 3          # fewer negative mentions than this is an anecdote, not a list item
MIN_ANSWERED = 10      # fewer answers to a question than this is not compared with the hospital
MIN_GAP = 0.10         # "well below": at least 10 points under the hospital, and significantly so
MAX_THEME_ITEMS = 10
MAX_QUESTION_ITEMS = 5
QUOTES_PER_ITEM = 3
# Themes whose problems are handled faster than the usual month (patient safety, integrity, privacy).
PRIORITY_THEMES = frozenset({"safety", "ethics", "privacy"})
_DIGITS = re.compile(r"[\d*０-９\s]+")


# --- months ---------------------------------------------------------------------------------------

def parse_month(text: str) -> date:
    """'2025-10' -> date(2025, 10, 1); ValueError for anything else."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        if len(text.strip()) != 7:
            raise ValueError
        return date(year, month, 1)
    except (ValueError, AttributeError):
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def month_str(day: date) -> str:
    """date(2025, 10, 1) -> '2025-10'."""
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, by: int) -> str:
    """MONTH moved BY months (negative goes back): shift_month('2025-01', -1) == '2024-12'."""
    first = parse_month(month)
    index = first.year * 12 + first.month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_end(month: str) -> date:
    """The last day of MONTH."""
    return parse_month(shift_month(month, 1)) - timedelta(days=1)


def default_deadline(month: str, theme: str | None) -> date:
    """整改时限 of a draft raised from MONTH's data: the end of the following month, or two weeks
    after MONTH for safety, ethics and privacy problems."""
    if theme in PRIORITY_THEMES:
        return month_end(month) + timedelta(days=14)
    return month_end(shift_month(month, 1))


# --- statistics -----------------------------------------------------------------------------------

def _binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= K) for X ~ Binomial(N, P)."""
    # Imported here: scipy.stats costs about a second to import, and only list generation needs it.
    from scipy.stats import binom

    return float(binom.sf(k - 1, n, p))


def rose_significantly(count: int, responses: int, prev_count: int, prev_responses: int,
                       alpha: float = 0.05) -> bool:
    """True if COUNT per RESPONSES is significantly above PREV_COUNT per PREV_RESPONSES (one-sided)."""
    if responses <= 0 or prev_responses <= 0 or count == 0:
        return False
    if count / responses <= prev_count / prev_responses:
        return False
    share = responses / (responses + prev_responses)
    return _binomial_tail(count, count + prev_count, share) < alpha


# --- inputs and drafts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Quote:
    """A candidate quote: a comment with a negative mention of a theme (text already de-identified)."""

    comment_id: int
    text: str
    confidence: float | None = None
    staff: bool = False


@dataclass(frozen=True)
class ThemeFigures:
    """One theme in the list's scope: negative mentions this month and last, by department."""

    theme: str
    count: int
    prev_count: int = 0
    departments: Mapping[int, int] = field(default_factory=dict)
    quotes: Sequence[Quote] = ()


@dataclass(frozen=True)
class QuestionFigures:
    """One scale question in one department against the whole hospital, this month."""

    question: str
    department: int
    satisfied: int
    answered: int
    hospital_satisfied: int
    hospital_answered: int
    theme: str | None = None


@dataclass(frozen=True)
class Draft:
    """A proposed list item with its evidence; `score` orders the list (higher first)."""

    key: str
    source: str
    theme: str | None
    question: str | None
    department: int | None
    count: int
    responses: int
    score: float
    rate: float | None = None
    rate_low: float | None = None
    prev_count: int | None = None
    prev_rate: float | None = None
    rising: bool = False
    satisfaction: float | None = None
    hospital_satisfaction: float | None = None
    departments: tuple[tuple[int, int], ...] = ()
    quotes: tuple[Quote, ...] = ()
    rank: int = 0


def pick_quotes(quotes: Iterable[Quote], limit: int = QUOTES_PER_ITEM) -> tuple[Quote, ...]:
    """Representative quotes: staff-labelled first, then the model's most confident, no duplicates,
    preferring texts long enough to say something (8-150 characters)."""
    def order(quote: Quote):
        length = len(quote.text)
        return (not quote.staff, not 8 <= length <= 150, -(quote.confidence or 0.0), quote.comment_id)

    chosen, seen = [], set()
    for quote in sorted(quotes, key=order):
        # Near-duplicates (the same complaint with another masked number) count as one.
        text = _DIGITS.sub("", quote.text).strip()
        if text and text not in seen:
            seen.add(text)
            chosen.append(quote)
        if len(chosen) == limit:
            break
    return tuple(chosen)


def _dominant(departments: Mapping[int, int], total: int) -> int | None:
    # An item belongs to one department when it accounts for at least two thirds of the mentions.
    if not departments or total <= 0:
        return None
    department, count = max(departments.items(), key=lambda pair: (pair[1], -pair[0]))
    return department if count * 3 >= total * 2 else None


def theme_drafts(figures: Iterable[ThemeFigures], responses: int, prev_responses: int, *,
                 department: int | None = None, min_count: int = MIN_COUNT, z: float = Z95) -> list[Draft]:
    """Theme items for a scope with RESPONSES this month (PREV_RESPONSES last month).

    DEPARTMENT is the scope's department (None for a hospital list, where a theme is attributed to a
    department only if that department accounts for two thirds of its mentions).
    """
    drafts = []
    for fig in figures:
        if fig.count < min_count or responses <= 0:
            continue
        low, _high = wilson(min(fig.count, responses), responses, z)
        owner = department if department is not None else _dominant(fig.departments, fig.count)
        drafts.append(Draft(
            key=f"theme:{fig.theme}", source="theme", theme=fig.theme, question=None, department=owner,
            count=fig.count, responses=responses, score=round(100 * low, 3),
            rate=round(100 * fig.count / responses, 2), rate_low=round(100 * low, 2),
            prev_count=fig.prev_count if prev_responses else None,
            prev_rate=round(100 * fig.prev_count / prev_responses, 2) if prev_responses else None,
            rising=rose_significantly(fig.count, responses, fig.prev_count, prev_responses),
            departments=tuple(sorted(fig.departments.items(), key=lambda p: (-p[1], p[0]))),
            quotes=pick_quotes(fig.quotes),
        ))
    return drafts


def question_drafts(figures: Iterable[QuestionFigures], *, min_answered: int = MIN_ANSWERED,
                    min_gap: float = MIN_GAP, z: float = Z95) -> list[Draft]:
    """Question items: departments whose satisfaction on a question is well below the hospital's.

    "Well below" means both a gap of at least MIN_GAP and the department's upper Wilson bound under
    the hospital's rate; the score is that conservative gap in points per 100 respondents.
    """
    drafts = []
    for fig in figures:
        if fig.answered < min_answered or fig.hospital_answered <= 0:
            continue
        rate = fig.satisfied / fig.answered
        hospital = fig.hospital_satisfied / fig.hospital_answered
        _low, high = wilson(min(fig.satisfied, fig.answered), fig.answered, z)
        if hospital - rate < min_gap or high >= hospital:
            continue
        drafts.append(Draft(
            key=f"question:{fig.question}@{fig.department}", source="question", theme=fig.theme, question=fig.question,
            department=fig.department, count=fig.answered - fig.satisfied, responses=fig.answered,
            score=round(100 * (hospital - high), 3), satisfaction=round(100 * rate, 1),
            hospital_satisfaction=round(100 * hospital, 1),
        ))
    return drafts


def rank(drafts: Iterable[Draft]) -> list[Draft]:
    """DRAFTS ordered by score (then count, then key, so ties are stable) and numbered from 1."""
    ordered = sorted(drafts, key=lambda d: (-d.score, -d.count, d.key, d.department or 0))
    return [replace(d, rank=i) for i, d in enumerate(ordered, start=1)]


def build_drafts(themes: Iterable[ThemeFigures], questions: Iterable[QuestionFigures], responses: int,
                 prev_responses: int, *, department: int | None = None,
                 max_themes: int = MAX_THEME_ITEMS, max_questions: int = MAX_QUESTION_ITEMS) -> list[Draft]:
    """The ranked drafts of one list: the strongest theme items and question items together."""
    by_theme = rank(theme_drafts(themes, responses, prev_responses, department=department))[:max_themes]
    by_question = rank(question_drafts(q for q in questions
                                       if department is None or q.department == department))[:max_questions]
    return rank(by_theme + by_question)


# --- carry-over -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenItem:
    """An item of an earlier month's list that is still on the ledger (立账 or 督办)."""

    id: int
    key: str


@dataclass(frozen=True)
class Plan:
    """What a month's list holds: new drafts, and earlier open items carried over with this month's
    figures for the same problem (None if the problem was not reported again)."""

    new: list[Draft]
    carried: list[tuple[OpenItem, Draft | None]]


def plan_month(drafts: Sequence[Draft], open_items: Iterable[OpenItem]) -> Plan:
    """Carry OPEN_ITEMS into the month; a draft for a problem already on the ledger is not raised twice,
    its figures go to the carried item instead."""
    by_key = {d.key: d for d in drafts}
    carried, used = [], set()
    for item in sorted(open_items, key=lambda i: i.id):
        match = by_key.get(item.key)
        if match is not None:
            used.add(match.key)
        carried.append((item, match))
    new = [d for d in drafts if d.key not in used]
    return Plan(new=rank(new), carried=carried)
