"""One case: its facts, the masked contact, the timeline, and the steps (hand-over, reply, outcome,
call-back, close) for those who may act on it."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from analysis.taxonomy import THEMES

from .. import audit
from ..accounts.scope import roles_required
from ..complaints import cases
from ..complaints.access import CASE_ROLES, may_act, may_see_contact, visible_cases
from ..complaints.classify import effective_themes, set_staff_themes
from ..complaints.labels import POLARITY_LABELS
from ..complaints.register import mask_name
from ..crypto import decrypt_contact, mask_phone
from ..extensions import db
from ..forms import posted
from ..models import ComplaintCase, Department, User
from ..models.complaints import EventKind
from ..web.display import show_date
from ..web.flow import refuse, saved
from . import bp
from .forms import CallbackForm, DetailsForm, EmptyForm, HandoverForm, OutcomeForm, ReplyForm, choices
from .routes import department_choices


def case_or_404(case_id: int) -> ComplaintCase:
    case = db.session.scalar(visible_cases(current_user).where(ComplaintCase.id == case_id))
    if case is None:
        abort(404)
    return case


def _people(case: ComplaintCase) -> dict:
    """Complainant and contact as this user may see them: masked, or not at all."""
    if not may_see_contact(current_user, case):
        return {"contact_hidden": True}
    name = decrypt_contact(case.complainant_encrypted) if case.complainant_encrypted else None
    phone = decrypt_contact(case.contact_encrypted) if case.contact_encrypted else None
    return {"contact_hidden": False, "complainant": mask_name(name) if name else None,
            "masked_contact": mask_phone(phone) if phone else None}


def _handover_form(case: ComplaintCase, form: HandoverForm | None = None) -> HandoverForm:
    form = form or HandoverForm()
    staff = db.session.scalars(select(User).where(
        User.active.is_(True), User.hospital_id == case.hospital_id, User.id != case.owner_id,
        User.role.in_(("quality", "complaints", "dept_head"))).order_by(User.role, User.display_name))
    form.to_user.choices = choices((u.id, f"{u.display_name} · {u.role_name}") for u in staff)
    return form


def _details_form(case: ComplaintCase, form: DetailsForm | None = None) -> DetailsForm:
    if form is None:
        form = DetailsForm(data={"departments": [d.id for d in case.departments], "serious": case.serious,
                                 "multi_department": case.multi_department and len(case.departments) <= 1})
    form.departments.choices = choices(department_choices(current_user))
    return form


def _page(case: ComplaintCase, status: int = 200, contact: str | None = None, **forms):
    forms["handover_form"] = _handover_form(case, forms.get("handover_form"))
    forms["details_form"] = _details_form(case, forms.get("details_form"))
    for name, cls in (("reply_form", ReplyForm), ("outcome_form", OutcomeForm), ("callback_form", CallbackForm)):
        forms.setdefault(name, cls())
    return render_template("complaints_office/case.html", case=case, may_act=may_act(current_user, case),
                           themes=list(THEMES), POLARITY_LABELS=POLARITY_LABELS,
                           contact=contact, form=EmptyForm(), on_time=cases.on_time(case), **_people(case),
                           **forms), status


@bp.get("/<int:case_id>")
@roles_required(*CASE_ROLES)
def case(case_id: int):
    """The case, its timeline and its next steps."""
    return _page(case_or_404(case_id))


def _acting(case_id: int, form=None, form_name: str = ""):
    """The case if the user may act on it and FORM (if any) validates; the page with errors (400) otherwise."""
    found = case_or_404(case_id)
    if not may_act(current_user, found):
        abort(403)
    if form is None:
        posted(found)
    elif not form.validate_on_submit():
        refuse(_page(found, status=400, **{form_name: form}))
    return found


def _step(found: ComplaintCase, step, message, form_name: str = "", form=None):
    """Run STEP on the case and save; MESSAGE (or MESSAGE() after the step) is flashed. A step that does not
    fit the case's state (cases.CaseError) shows the page again with the reason (409)."""
    try:
        step()
    except cases.CaseError as exc:
        db.session.rollback()
        refuse(_page(found, status=409, error=str(exc), **({form_name: form} if form_name else {})))
    return saved(message() if callable(message) else message, "complaints_office.case", case_id=found.id)


@bp.post("/<int:case_id>/handover")
@roles_required(*CASE_ROLES)
def handover(case_id: int):
    form = HandoverForm()
    found = case_or_404(case_id)
    _handover_form(found, form)
    found = _acting(case_id, form, "handover_form")
    to = db.session.get(User, form.to_user.data)
    return _step(found, lambda: cases.hand_over(found, to, by=current_user, note=form.handover_note.data or ""),
                 _("Handed over to %(name)s, who owns the case now.", name=to.display_name), "handover_form", form)


@bp.post("/<int:case_id>/reply")
@roles_required(*CASE_ROLES)
def reply(case_id: int):
    found = _acting(case_id, form := ReplyForm(), "reply_form")
    return _step(found, lambda: cases.reply(found, form.reply_note.data, by=current_user), _("Reply recorded."),
                 "reply_form", form)


@bp.post("/<int:case_id>/outcome")
@roles_required(*CASE_ROLES)
def outcome(case_id: int):
    found = _acting(case_id, form := OutcomeForm(), "outcome_form")
    return _step(found, lambda: cases.record_outcome(found, form.outcome.data, by=current_user),
                 _("Outcome recorded."), "outcome_form", form)


@bp.post("/<int:case_id>/callback")
@roles_required(*CASE_ROLES)
def callback(case_id: int):
    found = _acting(case_id, form := CallbackForm(), "callback_form")
    return _step(found, lambda: cases.call_back(found, form.satisfaction.data, form.callback_note.data or "",
                                                  by=current_user),
                 _("Call-back recorded."), "callback_form", form)


@bp.post("/<int:case_id>/details")
@roles_required(*CASE_ROLES)
def details(case_id: int):
    form = _details_form(case_or_404(case_id), DetailsForm())
    found = _acting(case_id, form, "details_form")

    def change():
        departments = db.session.scalars(select(Department).where(Department.id.in_(form.departments.data or [-1])))
        cases.set_departments(found, departments, by=current_user,
                              multi_department=True if form.multi_department.data else None)
        found.serious = form.serious.data
    return _step(found, change, lambda: _("Details saved; reply by %(due)s.", due=show_date(found.due_on)),
                 "details_form", form)


@bp.post("/<int:case_id>/themes")
@roles_required(*CASE_ROLES)
def themes(case_id: int):
    """The office's themes for the case (they count in the analysis and the problem list instead of the
    model's; the model's stay for the record)."""
    found = _acting(case_id)
    chosen = {code: request.form.get(f"theme_{code}", "") for code in THEMES}
    if any(value not in ("", "pos", "neg") for value in chosen.values()):
        abort(400)

    def change():
        before = effective_themes(found)
        set_staff_themes(found, {k: v for k, v in chosen.items() if v})
        cases.add_event(found, EventKind.NOTE, user_id=current_user.id,
                        details={"themes_before": before, "themes": {k: v for k, v in chosen.items() if v}})
    return _step(found, change, _("Themes saved."))


@bp.post("/<int:case_id>/close")
@roles_required(*CASE_ROLES)
def close(case_id: int):
    found = _acting(case_id)
    return _step(found, lambda: cases.close(found, by=current_user), _("The case is closed."))


@bp.post("/<int:case_id>/contact")
@roles_required(*CASE_ROLES)
def reveal_contact(case_id: int):
    """The full number for the reply or call-back; each viewing is audited."""
    found = posted(case_or_404(case_id))
    if not may_see_contact(current_user, found) or found.contact_encrypted is None:
        abort(404)
    plain = decrypt_contact(found.contact_encrypted)
    if plain is None:
        abort(404)
    audit.record("view_contact", "complaint_case", found.id)
    db.session.commit()
    page, status = _page(found, contact=plain)
    return page, status, {"Cache-Control": "no-store"}
