"""What a page asks for, in one call each: a month's report, a trend, a period's report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from analysis.indicators import Counts, Figure, proportion

from .cube import Cube, period_cube, trend_cells
from .figures import MODES, Report, build_report
from .periods import Month
from .scope import Org, Scope
from .themes import theme_cells

TREND_MONTHS = 12


@dataclass
class MonthView:
    month: Month
    org: Org
    report: Report
    cube: Cube


def month_report(scope: Scope, month: Month, *, mode: str | None = None, live: bool = False,
                 now: datetime | None = None) -> MonthView:
    """The indicators of MONTH in SCOPE, with last month's for the changes (LIVE: count MONTH afresh)."""
    org = Org.load(scope)
    points = org.point_ids(scope)
    cube = period_cube([month], points, live=live, now=now)
    previous = period_cube([month.shift(-1)], points, now=now)
    themes = theme_cells(month.start, month.end, points)
    return MonthView(month, org, build_report(cube, org, theme_cells=themes, previous=previous, mode=mode), cube)


def period_report(scope: Scope, months: list[Month], previous: list[Month], *, org: Org | None = None) -> Report:
    """The indicators of several months together (a half-year), compared with PREVIOUS months."""
    org = org or Org.load(scope)
    points = org.point_ids(scope)
    cube = period_cube(months, points)
    before = period_cube(previous, points)
    themes = [cell for m in months for cell in theme_cells(m.start, m.end, points)]
    return build_report(cube, org, theme_cells=themes, previous=before)


def trend(view: MonthView, scope: Scope, *, unit: Callable[[int], object] | None = None,
          count: int = TREND_MONTHS) -> tuple[list[Month], dict[object, list[Figure]]]:
    """Monthly satisfaction (pooled, interval on respondents) for the COUNT months up to VIEW's month.

    Keyed by 'all' and each mode, or by UNIT(point id) (e.g. a hospital) when UNIT is given.
    """
    months = view.month.range(count)
    rows = trend_cells(months, view.org.point_ids(scope), current=(view.month, view.cube))
    per_month = []
    for month in months:
        sums: dict[object, list] = defaultdict(lambda: [Counts(), 0])
        for point, mode, counts, n in rows[month]:
            for key in (("all", mode) if unit is None else (unit(point),)):
                if key is not None:
                    sums[key][0] += counts
                    sums[key][1] += n
        per_month.append(sums)
    keys = ["all", *MODES] if unit is None else sorted({k for sums in per_month for k in sums})
    empty = (Counts(), 0)
    return months, {key: [proportion(s.get(key, empty)[0].top, s.get(key, empty)[0].answers,
                                      n=s.get(key, empty)[1]) for s in per_month] for key in keys}
