"""Indicator arithmetic on constructed data: intervals, top-two-box with 不适用, small-n rules."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.indicators import (
    MIN_N,
    Z95,
    Counts,
    Figure,
    difference,
    mean_score,
    per_100,
    proportion,
    rank,
    tally,
    wilson,
)


def test_wilson_matches_published_values():
    """Newcombe (1998) table I: 81/263 -> 0.2553-0.3662, 15/148 -> 0.0624-0.1605, 0/20 -> 0-0.1611."""
    for (k, n), (low, high) in {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605),
                                (0, 20): (0.0, 0.1611), (1, 29): (0.0061, 0.1718)}.items():
        got = wilson(k, n)
        assert got[0] == pytest.approx(low, abs=5e-5) and got[1] == pytest.approx(high, abs=5e-5)


def test_wilson_edges_stay_inside_0_and_1():
    """All-satisfied and none-satisfied samples still get an honest interval inside 0..1."""
    low, high = wilson(10, 10)
    assert high == 1.0 and 0.69 < low < 0.73
    low, high = wilson(0, 10)
    assert low == 0.0 and 0.27 < high < 0.28
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(11, 10)


@given(st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_bounds_solve_the_score_equation(kn):
    """Each bound p satisfies (p_hat - p)^2 = z^2 p (1 - p) / n and brackets p_hat."""
    k, n = kn
    p_hat = k / n
    low, high = wilson(k, n)
    assert 0 <= low <= p_hat <= high <= 1
    for p in (low, high):
        assert (p_hat - p) ** 2 == pytest.approx(Z95 ** 2 * p * (1 - p) / n, abs=1e-9)


def test_top_two_box_excludes_not_applicable():
    """不适用 and skipped questions are neither satisfied nor unsatisfied: they leave the denominator."""
    counts = tally([5, 4, 3, "na", "na", None, 2, 1, 4])
    assert counts == Counts(answers=6, top=3, score_sum=19, na=2)
    assert counts.satisfaction == 0.5
    assert tally(["na", "na"]).satisfaction is None
    with pytest.raises(ValueError):
        tally([6])


def test_mean_score_is_on_0_to_100():
    """1 maps to 0, 3 to 50 and 5 to 100; no answers means no figure."""
    assert mean_score(5, 5) == 0 and mean_score(15, 5) == 50 and mean_score(25, 5) == 100
    assert tally([5, 4, "na"]).mean_score == pytest.approx(87.5)
    assert mean_score(0, 0) is None


def test_counts_add_up_like_the_raw_answers():
    """Summing pre-aggregated counts gives the same figures as tallying all answers at once."""
    a, b = [5, 4, "na", 2], [1, 3, 5, 5, "na"]
    assert tally(a) + tally(b) == tally(a + b)


def test_small_n_threshold_is_30_answers():
    """29 answers is small (greyed), 30 is not."""
    assert MIN_N == 30
    assert proportion(20, 29).small_n and not proportion(20, 30).small_n
    assert proportion(0, 0) == Figure(0, None, None, None) and proportion(0, 0).small_n


def test_pooled_share_uses_respondents_for_its_interval():
    """Three answers each from 40 respondents: the interval is as wide as 40, not 120, observations."""
    pooled = proportion(90, 120, n=40)
    assert pooled.value == 0.75 and pooled.n == 40
    assert (pooled.low, pooled.high) == pytest.approx(wilson(30, 40))
    naive = proportion(90, 120)
    assert pooled.high - pooled.low > naive.high - naive.low


def test_small_n_figures_are_never_ranked():
    """Departments under 30 answers come last, unranked, even with the best share; ties share a rank."""
    departments = {"card": proportion(45, 50), "orth": proportion(30, 50), "ed": proportion(40, 50),
                   "tiny": proportion(10, 10), "same": proportion(36, 40)}
    order = rank(list(departments), departments.__getitem__)
    assert order == [(1, "card"), (1, "same"), (3, "ed"), (4, "orth"), (None, "tiny")]


def test_difference_matches_newcombe_method_10():
    """Newcombe (1998) example: 56/70 - 48/80 = 0.2, hybrid score interval 0.0524 to 0.3339."""
    d = difference(proportion(56, 70), proportion(48, 80))
    assert d.value == pytest.approx(0.2)
    assert d.low == pytest.approx(0.0524, abs=5e-5) and d.high == pytest.approx(0.3339, abs=5e-5)
    assert d.comparable and d.clear


def test_difference_with_small_n_is_not_comparable():
    """A change resting on a small-n month is shown for reading but is never called a change."""
    d = difference(proportion(25, 25), proportion(10, 40))
    assert d.value > 0 and not d.comparable and not d.clear
    assert difference(proportion(0, 0), proportion(10, 40)).value is None


def test_per_100_responses():
    """Negative mentions are per 100 responses, not per comment."""
    assert per_100(7, 350) == 2.0 and per_100(3, 0) is None
    assert math.isclose(per_100(1, 3), 33.3333, rel_tol=1e-4)
