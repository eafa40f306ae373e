"""The register export, handling figures per department (and per hospital for the commission), and the
quarterly complaint analysis as a page, PDF and XLSX."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.scope import hospital_ids, roles_required
from ..complaints import quarterly, stats
from ..complaints.access import CASE_ROLES, OFFICE_ROLES, STATS_ROLES
from ..complaints.register import register_xlsx
from ..extensions import db
from ..models import Hospital
from ..reporting.periods import Quarter
from ..reporting.report_files import to_pdf, to_xlsx
from ..timeutil import local, today
from ..web.args import choice_arg, quarter_arg
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def current_quarter() -> Quarter:
    day = today()
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def _choices(selected: Quarter, latest: Quarter, count: int = 6) -> list[Quarter]:
    choices = [latest]
    while len(choices) < count:
        choices.append(choices[-1].previous())
    return choices if selected in choices else [selected, *choices]


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                      "Cache-Control": "no-store"})


@bp.get("/register.xlsx")
@roles_required(*CASE_ROLES)
def register():
    """The 投诉登记 register of a quarter (default: the current one), contact masked or left out."""
    quarter = quarter_arg(current_quarter())
    period = f"{quarter} ({local(quarter.start):%Y-%m-%d} – {local(quarter.end):%Y-%m-%d})"
    return _attachment(register_xlsx(current_user, quarter.start, quarter.end, period), XLSX,
                       f"complaint-register-{quarter}.xlsx")


@bp.get("/stats")
@roles_required(*STATS_ROLES, "dept_head")
def figures():
    """On-time rate and hours to the first reply: per department for the offices, per hospital for the
    health commission (counts and rates only)."""
    quarter = quarter_arg(current_quarter())
    hospitals = hospital_ids(current_user)
    # One hospital's office needs no per-hospital table (its one row is the overall figure).
    several = hospitals is None or len(hospitals) > 1 or current_user.role == "commission"
    per_hospital = stats.by_hospital(hospitals, quarter.start, quarter.end) if several else []
    per_department = None if current_user.role == "commission" else stats.for_user(current_user, quarter.start,
                                                                                  quarter.end)
    return render_template("complaints_office/stats.html", quarter=quarter, per_hospital=per_hospital,
                           per_department=per_department, choices=_choices(quarter, current_quarter()))


@bp.get("/quarterly")
@roles_required(*OFFICE_ROLES)
def quarterly_report():
    """The quarterly analysis: by channel, department, theme, on-time rate and recurring problems."""
    quarter, fmt = quarter_arg(Quarter.latest()), choice_arg("format", ("pdf", "xlsx"))
    hospitals = hospital_ids(current_user)
    analysis = quarterly.analyse(hospitals, quarter)
    names = [h.name for h in db.session.query(Hospital).filter(Hospital.id.in_(hospitals)).order_by(Hospital.code)] \
        if hospitals is not None else [_("All hospitals")]
    title = quarterly.title("、".join(names), quarter)
    subtitle = _("%(first)s to %(last)s, compared with the quarter before",
                 first=str(quarter.months[0]), last=str(quarter.months[-1]))
    parts = quarterly.sections(analysis)
    if fmt == "pdf":
        return _attachment(to_pdf(title, subtitle, parts), "application/pdf", f"complaints-{quarter}.pdf")
    if fmt == "xlsx":
        return _attachment(to_xlsx(title, parts), XLSX, f"complaints-{quarter}.xlsx")
    return render_template("complaints_office/quarterly.html", title=title, subtitle=subtitle, parts=parts,
                           quarter=quarter, choices=_choices(quarter, Quarter.latest()))
