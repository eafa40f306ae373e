"""The half-year work summary (阶段性工作总结) as a printable page, PDF and XLSX."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from .. import timeutil
from ..accounts.scope import roles_required
from ..reporting.periods import HalfYear
from ..reporting.report_files import sections, to_pdf, to_xlsx
from ..reporting.scope import Scope, aggregates_only
from ..reporting.summary import half_year
from ..reporting.visuals import unit_chart
from ..web.args import OFFICE, choice_arg, half_arg
from . import bp

CHOICES = 6


def _title(summary) -> tuple[str, str]:
    names = "、".join(h.name for h in summary.org.hospitals.values()) if len(summary.org.hospitals) <= 3 \
        else _("%(n)d hospitals", n=len(summary.org.hospitals))
    first, last = summary.period.months[0], summary.period.months[-1]
    title = _("Patient experience: half-year work summary")
    subtitle = _("%(who)s · %(first)s to %(last)s (due %(due)s), compared with the six months before",
                 who=names, first=first, last=last, due=summary.period.due)
    return title, subtitle


@bp.get("/reports")
@roles_required(*OFFICE, "commission")
def reports():
    period, fmt = half_arg(), choice_arg("format", ("pdf", "xlsx"))
    today = timeutil.today()
    summary = half_year(Scope.for_user(current_user), period, today)
    if aggregates_only(current_user):
        summary.quotes.clear()  # quotes are individual comments: figures only for the commission
    title, subtitle = _title(summary)
    parts = sections(summary)
    if fmt:
        body = to_pdf(title, subtitle, parts) if fmt == "pdf" else to_xlsx(title, parts)
        mimetype = "application/pdf" if fmt == "pdf" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="summary-{period}.{fmt}"'})
    latest = HalfYear.latest()
    choices = [latest]
    while len(choices) < CHOICES:
        choices.append(choices[-1].previous())
    if period not in choices:
        choices.insert(0, period)
    units = summary.report.departments if len(summary.org.hospitals) == 1 else summary.report.hospitals
    chart = unit_chart("summary-units", parts[1].title, units, period.months[-1],
                       summary.report.overall.satisfaction, key="department" if len(summary.org.hospitals) == 1
                       else "hospital", mode=None)
    return render_template("dashboard/reports.html", s=summary, parts=parts, title=title, subtitle=subtitle,
                           period=period, choices=choices, chart=chart)
