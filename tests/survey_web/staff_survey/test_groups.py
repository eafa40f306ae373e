"""The staff survey's group planner: no shown figure, nor any difference of two, rests on fewer than 10."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_web.staff_survey.groups import Filter, Unit, plan

CATEGORIES = ("doctor", "nurse", "medtech", "admin")
UNITS = [Unit("A", "心内科", "临床"), Unit("B", "骨科", "临床"), Unit("C", "急诊科", "临床"),
         Unit("D", "检验科", "医技"), Unit("E", "放射科", "医技"), Unit("F", "财务科", "行政")]
K = 10


def _true_set(view: Filter, counts: dict, units: dict) -> set:
    """The (unit, category) pairs, with their people, that VIEW really selects (computed from the data)."""
    return {pair for pair, n in counts.items() if n and view.matches(pair, units)}


def _size(pairs: set, counts: dict) -> int:
    return sum(counts[p] for p in pairs)


def _shown(result, counts):
    shown = []
    for view in result.filters(CATEGORIES):
        cells = result.cells_of(view)
        if cells is not None:
            shown.append((view, cells))
    return shown


def check_no_small_group(counts: dict) -> None:
    """Every cell and every shown filter has at least K responses, every shown filter is exactly what it says
    (its cells are its true responses), and no difference or intersection of two shown filters is under K."""
    units = {u.code: u for u in UNITS}
    result = plan(UNITS, counts, K)
    live = {p for p, n in counts.items() if n}
    assert all(cell.n >= K for cell in result.cells)
    covered = [p for cell in result.cells for p in cell.pairs() if p in live]
    assert len(covered) == len(set(covered))  # the cells do not overlap
    if _size(live, counts) >= K:
        assert set(covered) == live  # and nobody is left out
    else:
        assert not result.cells
    shown = _shown(result, counts)
    sets = []
    for view, cells in shown:
        truth = _true_set(view, counts, units)
        made_of = {p for cell in cells for p in cell.pairs() if p in live}
        assert made_of == truth, view
        assert _size(truth, counts) == sum(c.n for c in cells) >= K
        sets.append(truth)
    for a, b in itertools.combinations(sets, 2):
        for part in (a - b, b - a, a & b):
            assert _size(part, counts) == 0 or _size(part, counts) >= K
    # Three shown sets: the total minus two filtered views (the classic differencing attack).
    for a, b, c in itertools.combinations(sets, 3):
        for part in (a - b - c, (a & b) - c):
            assert _size(part, counts) == 0 or _size(part, counts) >= K


counts_strategy = st.dictionaries(
    st.tuples(st.sampled_from([u.code for u in UNITS]), st.sampled_from(CATEGORIES)),
    st.integers(min_value=0, max_value=25), max_size=24)


@settings(max_examples=300, deadline=None)
@given(counts_strategy)
def test_no_shown_figure_or_difference_reveals_a_group_under_ten(counts):
    """Random hospitals: every shown figure and every difference of shown figures is 0 or at least 10."""
    check_no_small_group(counts)


def test_every_small_case_exhaustively():
    """Exhaustive over small hospitals: two units in one division and one in another, two categories, each
    pair with 0, 1, 5, 9 or 10 responses (around the limit, and 5 + 5 = 10; every combination)."""
    values = (0, 1, 5, 9, 10)
    pairs = [(u, c) for u in ("A", "B", "D") for c in ("doctor", "nurse")]
    for combo in itertools.product(values, repeat=len(pairs)):
        check_no_small_group(dict(zip(pairs, combo, strict=True)))


def test_a_small_department_merges_into_its_division():
    """A department of 4 joins the other small one of its division; the division total stays visible."""
    counts = {("A", "nurse"): 30, ("B", "nurse"): 4, ("C", "nurse"): 8}
    result = plan(UNITS, counts, K)
    assert sorted(cell.units for cell in result.cells) == [("A",), ("B", "C")]
    units = {u.code: u for u in UNITS}
    assert result.cells_of(Filter("unit:B")) is None
    assert result.cells_of(Filter("division:临床")) is not None
    assert _size(_true_set(Filter("division:临床"), counts, units), counts) == 42


def test_a_lone_small_remainder_joins_the_smallest_group():
    """Under 10 left over in a division with a big department: it joins that department (named together)."""
    result = plan(UNITS, {("A", "doctor"): 15, ("B", "doctor"): 3}, K)
    assert [cell.units for cell in result.cells] == [("A", "B")]
    assert result.cells_of(Filter("unit:A")) is None


def test_a_small_division_merges_into_the_hospital():
    """A division under 10 (财务科 alone, 6) pools at hospital level; with nothing else small it joins the
    smallest group, so the hospital total never exposes it by subtraction."""
    counts = {("A", "doctor"): 20, ("D", "medtech"): 12, ("F", "admin"): 6}
    result = plan(UNITS, counts, K)
    assert sorted(cell.units for cell in result.cells) == [("A",), ("D", "F")]
    assert result.cells_of(Filter("division:行政")) is None
    assert result.cells_of(Filter("hospital")) is not None


def test_a_small_staff_category_merges_with_the_others():
    """Within a department of 25, 3 technicians join the smallest big category; the nurses' view of the
    hospital is then not shown (it would cut through that cell)."""
    counts = {("A", "nurse"): 12, ("A", "doctor"): 10, ("A", "medtech"): 3}
    result = plan(UNITS, counts, K)
    assert sorted(cell.categories for cell in result.cells) == [("doctor", "medtech"), ("nurse",)]
    assert result.cells_of(Filter("hospital", "nurse")) is not None
    assert result.cells_of(Filter("hospital", "medtech")) is None
    assert result.cells_of(Filter("hospital", "doctor")) is None


def test_under_ten_in_the_whole_hospital_shows_nothing():
    """Nine responses in all: no cell, no filter."""
    result = plan(UNITS, {("A", "nurse"): 5, ("D", "medtech"): 4}, K)
    assert result.cells == ()
    assert all(result.cells_of(v) is None for v in result.filters(CATEGORIES))
