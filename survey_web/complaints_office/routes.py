"""The case list (due-soon and overdue highlighted), intake, and a case from an urgent comment in one click."""

from __future__ import annotations

from datetime import UTC

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.deidentify import deidentify

from ..accounts.scope import roles_required, visible_departments
from ..complaints import cases, intake, watch
from ..complaints.access import CASE_ROLES, visible_cases
from ..complaints.classify import effective_themes
from ..complaints.labels import (
    CHANNEL_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from ..extensions import db
from ..forms import posted
from ..jobs.complaints import enqueue_classify_case
from ..models import CaseEvent, ComplaintCase, Department
from ..models.complaints import CaseStatus, EventKind, case_departments
from ..timeutil import zone
from ..web.display import show_date, show_dt, theme_label
from ..web.flow import back
from ..web.paging import paginate
from . import bp
from .forms import CaseFilterForm, IntakeForm, choices

PER_PAGE = 50
TABS = {"open": _l("Waiting for a reply"), "replied": _l("Replied, not closed"), "closed": _l("Complaint closed"),
        "all": _l("All")}


@bp.context_processor
def helpers() -> dict:
    return {"show_dt": show_dt, "show_date": show_date, "theme_label": theme_label, "deidentify": deidentify,
            "CHANNEL_LABELS": CHANNEL_LABELS, "STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS,
            "EVENT_LABELS": EVENT_LABELS, "URGENCY_LABELS": URGENCY_LABELS,
            "SATISFACTION_LABELS": SATISFACTION_LABELS, "urgency": watch.urgency,
            "effective_themes": effective_themes}


def department_choices(user) -> list[tuple[int, str]]:
    hospital_id = user.hospital_id
    return [(d.id, d.name) for d in visible_departments(user) if hospital_id is None or d.hospital_id == hospital_id]


def _filters() -> tuple[CaseFilterForm, str]:
    form = CaseFilterForm(request.args)
    form.tab.choices = choices(TABS.items())
    form.channel.choices = choices([("", _("All channels")), *CHANNEL_LABELS.items()])
    form.department.choices = choices([("", _("All departments"))] +
                                      [(str(i), n) for i, n in department_choices(current_user)])
    tab = form.tab.data if form.tab.data in TABS else "open"
    return form, tab


@bp.get("/")
@roles_required(*CASE_ROLES)
def index():
    """Cases in the user's scope; open ones by deadline, due soon and overdue highlighted."""
    form, tab = _filters()
    query = visible_cases(current_user).options(selectinload(ComplaintCase.departments))
    if tab != "all":
        query = query.where(ComplaintCase.status == tab)
    if form.validate() and form.channel.data:
        query = query.where(ComplaintCase.channel == form.channel.data)
    if form.department.data and form.department.data.isdigit():
        query = query.where(ComplaintCase.id.in_(select(case_departments.c.case_id).where(
            case_departments.c.department_id == int(form.department.data))))
    if form.mine.data:
        query = query.where(ComplaintCase.owner_id == current_user.id)
    order = (ComplaintCase.due_on, ComplaintCase.id) if tab == "open" else (ComplaintCase.received_at.desc(),
                                                                             ComplaintCase.id.desc())
    page = paginate(query.order_by(*order), request.args.get("page", 1, type=int), PER_PAGE)
    reminders = db.session.scalars(
        select(CaseEvent).join(ComplaintCase).where(
            CaseEvent.kind.in_((EventKind.REMINDER, EventKind.ESCALATION)),
            ComplaintCase.status == CaseStatus.OPEN,
            ComplaintCase.id.in_(visible_cases(current_user, select(ComplaintCase.id)).scalar_subquery()))
        .order_by(CaseEvent.at.desc()).limit(10)).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("complaints_office/index.html", page=page, tab=tab, form=form, tabs=TABS,
                           reminders=reminders, args=args, may_intake=current_user.role in CASE_ROLES)


def _intake_form() -> IntakeForm:
    form = IntakeForm()
    form.departments.choices = choices(department_choices(current_user))
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_ROLES)
def new():
    """Register a complaint; whoever registers it owns it (首诉负责制) until a hand-over."""
    if current_user.hospital_id is None:
        abort(403)  # an admin account belongs to no hospital: cases are registered by hospital staff
    form = _intake_form()
    if not form.validate_on_submit():
        return render_template("complaints_office/new.html", form=form), 400 if request.method == "POST" else 200
    received_at = form.received_at.data.replace(tzinfo=zone()).astimezone(UTC) if form.received_at.data else None
    departments = list(db.session.scalars(select(Department).where(Department.id.in_(form.departments.data or [-1]))))
    case = cases.open_case(
        hospital_id=current_user.hospital_id, channel=form.channel.data, text=form.text.data,
        received_by=current_user, departments=departments, complainant=form.complainant.data or "",
        contact=form.contact.data or "", contact_consent=form.contact_consent.data,
        multi_department=True if form.multi_department.data else None, on_the_spot=form.on_the_spot.data,
        serious=form.serious.data, received_at=received_at)
    db.session.commit()
    enqueue_classify_case(case.id)
    return back(_("Complaint %(number)s registered; reply by %(due)s.", number=case.number,
                  due=show_date(case.due_on)), "complaints_office.case", case_id=case.id)


@bp.post("/from-alert/<int:alert_id>")
@roles_required(*CASE_ROLES)
def from_alert(alert_id: int):
    """An urgent comment's alert becomes a case (or opens the case it already has)."""
    posted(None)
    if intake.visible_alert(current_user, alert_id) is None:
        abort(404)
    case, created = intake.case_for_alert(alert_id, current_user)
    db.session.commit()
    if not created:
        return back(_("This comment already has case %(number)s.", number=case.number),
                    "complaints_office.case", case_id=case.id)
    enqueue_classify_case(case.id)
    return back(_("Case %(number)s opened from the urgent comment; you own it. Reply by %(due)s.",
                  number=case.number, due=show_date(case.due_on)), "complaints_office.case", case_id=case.id)
