"""A month at a glance (dashboard.index) and its figures as CSV or XLSX."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from .. import timeutil
from ..accounts.scope import roles_required
from ..campaigns import rates as followup_rates
from ..complaints import stats as complaint_stats
from ..reporting.export import indicator_file
from ..reporting.panels import latest_urgent, open_items
from ..reporting.periods import Month
from ..reporting.scope import Scope
from ..reporting.service import month_report, trend
from ..reporting.visuals import heat, trend_chart, unit_chart
from ..web.args import OFFICE, mode_arg, month_arg
from . import bp

FALLEN = 5


@bp.get("/")
@roles_required(*OFFICE)
def index():
    month, mode = month_arg(), mode_arg()
    scope = Scope.for_user(current_user)
    view = month_report(scope, month, mode=mode)
    report = view.report
    months, lines = trend(view, scope)
    points = view.org.point_ids(scope)
    fallen = sorted((d for d in report.dimensions if d.change is not None and d.change.comparable),
                    key=lambda d: d.change.value)[:FALLEN]
    problems, problem_count = open_items(scope, timeutil.today())
    heat_svg, heat_themes = heat(report, month, mode)
    return render_template(
        "dashboard/index.html", month=month, mode=mode, view=view, report=report, fallen=fallen,
        current_month=Month.current(), trend_svg=trend_chart(months, lines, mode),
        departments_svg=unit_chart("departments", _("Departments, best to worst"), report.departments, month,
                                   report.overall.satisfaction, key="department", mode=mode),
        heat_svg=heat_svg, heat_themes=heat_themes, urgent=latest_urgent(points), problems=problems,
        problem_count=problem_count, previous=month.shift(-1), today=timeutil.today(),
        complaints=complaint_stats.for_user(current_user, month.start, month.end),
        followup=followup_rates.panel(scope.hospital_ids, scope.department_ids),
    )


@bp.get("/indicators.<any(csv, xlsx, json):fmt>")
@roles_required(*OFFICE)
def indicators_file(fmt: str):
    """The month's indicators in the scope of the signed-in user, as `flask indicators` writes them."""
    month, mode = month_arg(), mode_arg()
    view = month_report(Scope.for_user(current_user), month, mode=mode)
    body, mimetype = indicator_file(view, fmt)
    name = f"indicators-{month}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_global()
def dashboard_args(**changes) -> dict:
    """The current query string with CHANGES applied (None removes a key), for links that keep filters."""
    args = {k: v for k, v in request.args.items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return args
