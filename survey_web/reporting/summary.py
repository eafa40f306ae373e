"""The half-year work summary (阶段性工作总结): indicators and their change, the ledger, highlights, praise.

Due on 10 June and 10 December; it covers the six complete months before (see `periods.HalfYear`) and
compares them with the six months before that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from analysis.deidentify import excerpt
from analysis.indicators import Difference, difference, per_100
from analysis.praise import names_in, praised

from .figures import Report, Row
from .panels import Closure, closed_in, closure_by_hospital, open_items
from .periods import HalfYear
from .scope import Org, Scope
from .service import period_report
from .themes import praise_comments

TOP = 5
QUOTES = 6


@dataclass
class UnitChange:
    row: Row
    previous: Row | None
    change: Difference | None


@dataclass
class ThemeChange:
    code: str
    per_100: float | None
    previous: float | None
    negative: int


@dataclass
class HalfYearSummary:
    period: HalfYear
    previous: HalfYear
    org: Org
    report: Report
    before: Report
    units: list[UnitChange]
    improved: list              # dimensions whose rise is beyond chance
    declined: list
    closure: dict[int, Closure]
    closed_in_period: int
    open_items: list = field(default_factory=list)
    open_count: int = 0
    themes: list[ThemeChange] = field(default_factory=list)
    praise_departments: list[tuple[str, float, int]] = field(default_factory=list)
    praised_staff: list[tuple[str, str, int]] = field(default_factory=list)
    quotes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ledger(self) -> Closure:
        """All hospitals' ledger items raised in the period, as they stand now."""
        items = list(self.closure.values())
        return Closure(sum(c.total for c in items), sum(c.closed for c in items), sum(c.open for c in items),
                       sum(c.overdue for c in items))


def half_year(scope: Scope, period: HalfYear, today: date) -> HalfYearSummary:
    org = Org.load(scope)
    previous = period.previous()
    report = period_report(scope, period.months, previous.months, org=org)
    before = period_report(scope, previous.months, previous.previous().months, org=org)
    units = _unit_changes(report.departments if len(org.hospitals) == 1 else report.hospitals,
                          before.departments if len(org.hospitals) == 1 else before.hospitals)
    changes = [d for d in report.dimensions if d.change is not None and d.change.clear]
    items, count = open_items(scope, today, limit=20)
    summary = HalfYearSummary(
        period, previous, org, report, before, units,
        improved=sorted((d for d in changes if d.change.value > 0), key=lambda d: -d.change.value),
        declined=sorted((d for d in changes if d.change.value < 0), key=lambda d: d.change.value),
        closure=closure_by_hospital(scope, today, period.months),
        closed_in_period=closed_in(scope, period.start, period.end),
        open_items=items, open_count=count,
    )
    prev_rates = {t.code: t.per_100 for t in before.themes}
    summary.themes = [ThemeChange(t.code, t.per_100, prev_rates.get(t.code), t.negative)
                      for t in report.themes if t.negative][:TOP * 2]
    _praise(summary, scope, period)
    return summary


def _unit_changes(now: list[Row], before: list[Row]) -> list[UnitChange]:
    previous = {row.id: row for row in before}
    out = []
    for row in now:
        prev = previous.get(row.id)
        change = difference(row.indicator.satisfaction, prev.indicator.satisfaction) if prev else None
        out.append(UnitChange(row, prev, change))
    return out


def _praise(summary: HalfYearSummary, scope: Scope, period: HalfYear) -> None:
    """Departments with most praise per 100 responses, staff praised by name, and a few quotes."""
    org, report = summary.org, summary.report
    positive: dict[int, int] = defaultdict(int)
    responses = {row.id: row.indicator.respondents for row in report.departments}
    for (dept, _theme), (count, _rate) in report.praise.items():
        positive[dept] += count
    summary.praise_departments = sorted(
        ((org.departments[d].name, per_100(count, responses.get(d, 0)) or 0.0, responses.get(d, 0))
         for d, count in positive.items() if responses.get(d, 0) >= 30), key=lambda t: -t[1])[:TOP]
    comments = praise_comments(period.start, period.end, org.point_ids(scope))
    by_department = [(org.department_of(point), text) for point, text in comments]
    counts = praised(by_department)
    summary.praised_staff = [(org.departments[dept].name, name, n)
                             for (dept, name), n in counts.most_common(TOP * 2) if dept in org.departments]
    seen: set[int] = set()
    for dept, text in by_department:
        if dept in org.departments and dept not in seen and names_in(text):
            summary.quotes.append((org.departments[dept].name, excerpt(text)))
            seen.add(dept)
        if len(summary.quotes) >= QUOTES:
            break
