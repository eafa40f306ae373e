"""Hospitals side by side with the same indicators, and each hospital's problem-list closure rate."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from .. import timeutil
from ..accounts.scope import roles_required
from ..reporting.charts import Series, line_chart
from ..reporting.panels import closure_by_hospital
from ..reporting.periods import Month
from ..reporting.scope import Scope
from ..reporting.service import month_report, trend
from ..reporting.visuals import chart_point, drill, unit_chart
from ..web.args import mode_arg, month_arg
from . import bp

TOP_THEMES = 3
MAX_LINES = 5  # more lines than this stop being readable; the table still has every hospital


@bp.get("/")
@roles_required("commission", "admin")
def index():
    month, mode = month_arg(), mode_arg()
    scope = Scope.for_user(current_user)
    view = month_report(scope, month, mode=mode)
    report = view.report
    today = timeutil.today()
    closure = closure_by_hospital(scope, today)
    themes = _top_themes(view)
    trend_svg = None
    if 1 < len(report.hospitals) <= MAX_LINES:
        months, lines = trend(view, scope, unit=view.org.hospital_of)
        labels = [str(m) for m in months]
        series = [Series(row.name, [chart_point(f, drill(m, hospital=row.id)) for m, f in zip(months, lines.get(row.id, []),
                                                                                     strict=False)])
                  for row in report.hospitals]
        trend_svg = line_chart("hospital-trend", _("Satisfaction by hospital over 12 months"),
                               _("One line per hospital; hollow grey markers rest on fewer than 30 respondents."),
                               labels, series)
    chart = unit_chart("hospitals", _("Hospitals, best to worst"), report.hospitals, month,
                       report.overall.satisfaction, key="hospital", mode=mode)
    return render_template("commission/index.html", month=month, mode=mode, view=view, report=report,
                           closure=closure, themes=themes, chart=chart, trend_svg=trend_svg,
                           current_month=Month.current(), previous=month.shift(-1))


def _top_themes(view) -> dict[int, list[tuple[str, float]]]:
    """Per hospital: the themes with most negative mentions per 100 responses."""
    per_dept = view.report.heat
    responses: dict[int, int] = {}
    counts: dict[tuple[int, str], int] = {}
    for row in view.report.departments:
        hospital = view.org.departments[row.id].hospital_id
        responses[hospital] = responses.get(hospital, 0) + row.indicator.respondents
    for (dept, theme), (count, _rate) in per_dept.items():
        hospital = view.org.departments[dept].hospital_id
        counts[(hospital, theme)] = counts.get((hospital, theme), 0) + count
    found: dict[int, list[tuple[str, float]]] = {}
    for (hospital, theme), count in counts.items():
        if responses.get(hospital):
            found.setdefault(hospital, []).append((theme, count * 100 / responses[hospital]))
    return {h: sorted(items, key=lambda i: -i[1])[:TOP_THEMES] for h, items in found.items()}
