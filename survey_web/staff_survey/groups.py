"""Which staff-survey groups may be shown: never one under 10 responses, not even by subtraction.

Plain Python over counts. Responses are counted per (unit, staff category) pair. `plan` cuts them into
*cells*, a partition in which every cell has at least `k` responses: a unit under `k` merges into the
rest of its division, a division under `k` into the rest of the hospital, and inside each such group a
staff category under `k` merges with the others. A filter (hospital, division or unit, times all or one
category) is shown only when its responses are exactly a union of whole cells. Then any difference,
intersection or sum of shown figures is again a union of cells: empty or at least `k` responses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_GROUP = 10
Pair = tuple[str, str]  # (unit code, staff category)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    division: str


@dataclass(frozen=True)
class Cell:
    """A published group: these units' responses in these categories (at least `k` of them)."""

    units: tuple[str, ...]
    categories: tuple[str, ...]
    n: int

    def pairs(self) -> set[Pair]:
        return {(u, c) for u in self.units for c in self.categories}


@dataclass(frozen=True)
class Filter:
    """A dashboard filter: `org` is "hospital", "division:<name>" or "unit:<code>"; `category` None is all."""

    org: str
    category: str | None = None

    def matches(self, pair: Pair, units: Mapping[str, Unit]) -> bool:
        unit, category = pair
        if self.category is not None and category != self.category:
            return False
        kind, _, value = self.org.partition(":")
        if kind == "division":
            return units[unit].division == value
        if kind == "unit":
            return unit == value
        return True


@dataclass(frozen=True)
class Plan:
    cells: tuple[Cell, ...]
    units: Mapping[str, Unit]
    counts: Mapping[Pair, int]
    k: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells_of(self, view: Filter) -> tuple[Cell, ...] | None:
        """The cells making up VIEW exactly, or None when it would cut through a cell (not shown)."""
        chosen = []
        for cell in self.cells:
            inside = [view.matches(p, self.units) for p in cell.pairs() if self.counts.get(p)]
            if all(inside):
                chosen.append(cell)
            elif any(inside):
                return None
        return tuple(chosen) if chosen else None

    def filters(self, categories: Iterable[str]) -> list[Filter]:
        """Every filter the dashboard offers: hospital, each division and unit, times all and each category."""
        orgs = ["hospital"] + [f"division:{d}" for d in sorted({u.division for u in self.units.values()})] \
            + [f"unit:{code}" for code in sorted(self.units)]
        return [Filter(org, category) for org in orgs for category in (None, *categories)]


def plan(units: Iterable[Unit], counts: Mapping[Pair, int], k: int = MIN_GROUP) -> Plan:
    """Cut COUNTS (responses per unit and category) into cells of at least K responses each."""
    by_code = {u.code: u for u in units}
    counts = {pair: n for pair, n in counts.items() if n > 0}
    per_unit: dict[str, int] = {}
    for (unit, _category), n in counts.items():
        per_unit[unit] = per_unit.get(unit, 0) + n
    org = _org_groups(by_code, per_unit, k)
    cells = [cell for group in org for cell in _category_cells(group, counts, k)]
    return Plan(tuple(cells), by_code, counts, k)


def _merge(groups: list[list[str]], sizes: dict[str, int], k: int) -> tuple[list[list[str]], list[str]]:
    """Groups of at least K kept, the small ones pooled; a pool under K joins the smallest kept group.

    Returns (groups, leftover): leftover is non-empty only when nothing reached K (it goes up a level).
    """
    def size(group: list[str]) -> int:
        return sum(sizes[m] for m in group)

    kept = [g for g in groups if size(g) >= k]
    pool = [m for g in groups if size(g) < k for m in g]
    if not pool:
        return kept, []
    if size(pool) >= k:
        return kept + [pool], []
    if kept:
        smallest = min(kept, key=lambda g: (size(g), g))
        smallest.extend(pool)
        return kept, []
    return [], pool


def _org_groups(units: Mapping[str, Unit], per_unit: dict[str, int], k: int) -> list[list[str]]:
    answered = sorted(u for u in per_unit if per_unit[u] > 0)
    divisions = sorted({units[u].division for u in answered})
    groups: list[list[str]] = []
    rest: list[list[str]] = []  # whole divisions under K, pooled at hospital level
    for division in divisions:
        members = [[u] for u in answered if units[u].division == division]
        kept, leftover = _merge(members, per_unit, k)
        groups += kept
        if leftover:
            rest.append(leftover)
    if rest:
        pooled = [u for group in rest for u in group]
        if sum(per_unit[u] for u in pooled) >= k or not groups:
            groups.append(pooled)
        else:
            min(groups, key=lambda g: (sum(per_unit[u] for u in g), g)).extend(pooled)
    if sum(per_unit.values()) < k:
        return []  # the whole hospital is under K: nothing can be shown
    return [sorted(g) for g in groups]


def _category_cells(units: list[str], counts: Mapping[Pair, int], k: int) -> list[Cell]:
    sizes: dict[str, int] = {}
    for (unit, category), n in counts.items():
        if unit in units:
            sizes[category] = sizes.get(category, 0) + n
    kept, leftover = _merge([[c] for c in sorted(sizes)], sizes, k)
    groups = kept or [leftover]  # a group of K or more whose every category is small stays whole
    return [Cell(tuple(units), tuple(sorted(g)), sum(sizes[c] for c in g)) for g in groups]
