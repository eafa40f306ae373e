"""The dashboard's charts, built from a report; every figure links (in its table) to the responses behind it."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from analysis.indicators import Figure

from ..i18n import current, theme_name
from .charts import Bar, Grid, Point, Series, heat_map, interval_bars, line_chart
from .figures import MODE_NAMES, Report, Row
from .periods import Month

HEAT_THEMES = 10


def chart_point(figure: Figure, href: str | None = None) -> Point:
    note = _("fewer than 30 answers") if figure.small_n else ""
    return Point(figure.value, figure.low, figure.high, figure.small_n, href, note)


def drill(month: Month | str, **filters) -> str:
    """The drill-down URL for MONTH and FILTERS (None values are left out)."""
    return url_for("dashboard.responses", month=str(month), **{k: v for k, v in filters.items() if v is not None})


def trend_chart(months: list[Month], lines: dict, mode: str | None) -> Markup:
    labels = [f"{m.month}月" if current() != "en" else str(m) for m in months]
    series = [Series(_("All modes"), [chart_point(f, drill(m, mode=mode)) for m, f in zip(months, lines["all"], strict=True)],
                     band=True)]
    for key in MODE_NAMES:
        series.append(Series(str(MODE_NAMES[key]), [chart_point(f, drill(m, mode=key))
                                                     for m, f in zip(months, lines[key], strict=True)]))
    last = lines["all"][-1]
    desc = _("Satisfaction by month over the last %(count)d months, all modes with its 95%% interval as a band, "
             "and each mode as its own line. Latest month: %(value)s.", count=len(months),
             value="–" if last.value is None else f"{last.value * 100:.1f}%")
    return line_chart("trend", _("Satisfaction over 12 months"), desc, labels, series)


def unit_chart(chart_id: str, title: str, rows: list[Row], month: Month, reference: Figure, *, key: str,
               mode: str | None) -> Markup:
    bars = [Bar(row.name, chart_point(row.indicator.satisfaction, drill(month, mode=mode, **{key: row.id})),
                f"n={row.indicator.respondents}") for row in rows]
    desc = _("Share of answers in the top two of five, best to worst, with 95% intervals. Grey hatched bars "
             "rest on fewer than 30 respondents and are not ranked.")
    return interval_bars(chart_id, title, desc, bars, reference=reference.value, reference_label=_("All"))


def heat(report: Report, month: Month, mode: str | None) -> tuple[Markup | None, list[str]]:
    """Department x theme: negative mentions per 100 responses; the themes with most mentions."""
    themes = [row.code for row in report.themes if row.negative][:HEAT_THEMES]
    departments = [row for row in report.departments]
    if not themes or not departments:
        return None, themes
    grid = Grid([row.name for row in departments], [theme_name(t) for t in themes],
                row_links=[drill(month, department=row.id, polarity="neg", mode=mode) for row in departments])
    for i, row in enumerate(departments):
        for j, theme in enumerate(themes):
            count, rate = report.heat.get((row.id, theme), (0, None))
            if count:
                grid.cells[(i, j)] = (rate or 0.0, f"{rate:.1f}",
                                      drill(month, department=row.id, theme=theme, polarity="neg", mode=mode))
    desc = _("Negative mentions of each theme per 100 responses, by department; darker is more. "
             "Numbers are written in each cell.")
    return heat_map("heat", _("Negative mentions per 100 responses"), desc, grid), themes
