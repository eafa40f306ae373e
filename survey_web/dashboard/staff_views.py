"""The staff survey's dashboard section: rounds, results of a closed round (groups of 10 or more only),
its XLSX, and moving a staff comment onto the problem list.

Only the hospital-wide office (质控办) and administrators see it: a department head looking at their own
staff's answers is what an anonymous staff survey must not allow.
"""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.scope import hospital_ids, roles_required
from ..extensions import db
from ..forms import EmptyForm, posted
from ..models import ProblemList, RoundStatus, StaffComment, StaffResponse, StaffSurvey, StaffUnit
from ..problems import ledger
from ..qr import png_bytes
from ..staff_survey.export import results_xlsx
from ..staff_survey.links import printed
from ..staff_survey.results import category_name, dimension_name, response_count, results, staff_theme_name
from ..web.args import int_arg
from ..web.flow import back, saved
from . import bp

STAFF_OFFICE = ("admin", "quality")


def _rounds() -> list[StaffSurvey]:
    query = select(StaffSurvey).order_by(StaffSurvey.created_at.desc(), StaffSurvey.id.desc())
    allowed = hospital_ids(current_user)
    if allowed is not None:
        query = query.where(StaffSurvey.hospital_id.in_(allowed or {-1}))
    return list(db.session.scalars(query))


def _round_or_404(survey_id: int) -> StaffSurvey:
    survey = db.session.get(StaffSurvey, survey_id)
    allowed = hospital_ids(current_user)
    if survey is None or (allowed is not None and survey.hospital_id not in allowed):
        abort(404)
    return survey


@bp.get("/staff-survey")
@roles_required(*STAFF_OFFICE)
def staff_survey():
    rounds = _rounds()
    chosen = int_arg("round")
    survey = _round_or_404(chosen) if chosen else (rounds[0] if rounds else None)
    closed = survey is not None and survey.status == RoundStatus.CLOSED
    links = printed(survey) if survey is not None and not closed else []
    return render_template("dashboard/staff_survey.html", rounds=rounds, survey=survey, closed=closed, links=links,
                           res=results(survey) if closed else None,
                           count=response_count(survey) if survey else 0, dimension_name=dimension_name,
                           category_name=category_name, form=EmptyForm(),
                           staff_theme_name=staff_theme_name)


@bp.get("/staff-survey/<int:survey_id>.xlsx")
@roles_required(*STAFF_OFFICE)
def staff_survey_file(survey_id: int):
    survey = _round_or_404(survey_id)
    if survey.status != RoundStatus.CLOSED:
        abort(404)
    name = f"staff-survey-{survey.code}.xlsx"
    return Response(results_xlsx(results(survey)), headers={"Content-Disposition": f'attachment; filename="{name}"'},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/staff-survey/<int:survey_id>/<code>.png")
@roles_required(*STAFF_OFFICE)
def staff_survey_qr(survey_id: int, code: str):
    """A unit's QR code, to print or paste into the department's group chat."""
    survey = _round_or_404(survey_id)
    link = next((p for p in printed(survey) if p.code == code), None)
    if link is None or survey.status != RoundStatus.OPEN:
        abort(404)
    return Response(png_bytes(link.url), mimetype="image/png",
                    headers={"Content-Disposition": f'inline; filename="staff-survey-{survey.code}-{code}.png"'})


@bp.post("/staff-survey/comments/<int:comment_id>/move")
@roles_required(*STAFF_OFFICE)
def staff_comment_move(comment_id: int):
    """Raise a staff comment as a manual draft on the hospital's newest problem list (the office edits it)."""
    comment = posted(db.session.get(StaffComment, comment_id))
    if comment is None:
        abort(404)
    survey = db.session.scalar(select(StaffSurvey).join(StaffUnit).join(StaffResponse)
                               .where(StaffResponse.id == comment.response_id))
    _round_or_404(survey.id)
    if survey.status != RoundStatus.CLOSED:
        abort(404)
    target = "dashboard.staff_survey"
    if comment.problem_item_id:
        return back(_("This comment is on the problem list already."), target, round=survey.id)
    found = db.session.scalar(select(ProblemList).where(ProblemList.hospital_id == survey.hospital_id,
                                                        ProblemList.scope_key == 0)
                              .order_by(ProblemList.month.desc()))
    if found is None:
        return back(_("There is no hospital problem list yet: generate this month's list first."), target,
                    round=survey.id)
    item = ledger.add_manual(found, {"problem": _("Staff survey %(round)s: %(text)s", round=survey.code,
                                                  text=comment.text[:400])},
                             theme=None, department_id=None, count=1)
    comment.problem_item_id = item.id
    return saved(_("Moved to the problem list of %(month)s as a draft.", month=found.month), target,
                 round=survey.id)
