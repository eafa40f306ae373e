"""The life of a case: open, hand over, reply, call back, record the outcome, close.

Every step appends a timeline event and an audit event in the caller's transaction; the caller commits.
The complainant's words and contact never go to a log.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..crypto import encrypt_contact
from ..extensions import db
from ..models import ComplaintCase, Department, User, utcnow
from ..models.complaints import CaseChannel, CaseEvent, CaseKind, CaseStatus, EventKind, Satisfaction
from ..responses.forms import normalise_phone
from ..timeutil import local
from .deadlines import deadline_for


class CaseError(ValueError):
    """A step that does not fit the case's state (e.g. replying to a closed case)."""


def next_number(hospital_id: int, year: int) -> str:
    """The next register number of the year, 'TS2026-0001' (unique per hospital; the caller holds the row)."""
    prefix = f"TS{year}-"
    last = db.session.scalar(select(func.max(ComplaintCase.number)).where(
        ComplaintCase.hospital_id == hospital_id, ComplaintCase.number.like(f"{prefix}%")))
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def _insert_numbered(case: ComplaintCase, year: int, tries: int = 5) -> None:
    """Insert CASE with the next free register number. Two intakes at the same moment read the same last
    number; the loser's savepoint is rolled back and it takes the next one (any other conflict is raised)."""
    for attempt in range(tries):
        case.number = next_number(case.hospital_id, year)
        try:
            with db.session.begin_nested():
                db.session.add(case)
                db.session.flush()
            return
        except IntegrityError:
            taken = db.session.scalar(select(ComplaintCase.id).where(
                ComplaintCase.hospital_id == case.hospital_id, ComplaintCase.number == case.number))
            if taken is None or attempt == tries - 1:
                raise


def add_event(case: ComplaintCase, kind: EventKind, *, user_id: int | None, note: str | None = None,
              to_user_id: int | None = None, details: dict | None = None, at: datetime | None = None) -> CaseEvent:
    """Append KIND to CASE's timeline and to the audit log (the note stays out of the audit copy)."""
    event = CaseEvent(kind=kind.value, user_id=user_id, to_user_id=to_user_id, note=note, details=details,
                      at=at or utcnow())
    if "events" in case.__dict__:  # the timeline is loaded: keep it in step
        case.events.append(event)
    else:  # no need to load it just to add to it (the watch adds reminders to hundreds of cases)
        event.case_id = case.id
        db.session.add(event)
    audit.record(f"complaint_{kind.value}", "complaint_case", case.id,
                 after={"to_user_id": to_user_id, **(details or {})} if (to_user_id or details) else None,
                 user_id=user_id)
    return event


def set_deadline(case: ComplaintCase) -> None:
    """Due date from the receipt day at the hospital and the number of departments (deadlines.py)."""
    deadline = deadline_for(local(case.received_at).date(), case.multi_department)
    case.deadline_days, case.due_on, case.calendar_warning = deadline.working_days, deadline.due_on, deadline.warning


def open_case(*, hospital_id: int, channel: CaseChannel | str, text: str, received_by: User | None,
              departments: Iterable[Department] = (), complainant: str = "", contact: str = "",
              contact_consent: bool = False, multi_department: bool | None = None, on_the_spot: bool = False,
              serious: bool = False, kind: CaseKind = CaseKind.COMPLAINT, received_at: datetime | None = None,
              external_ref: str | None = None, comment_id: int | None = None,
              response_id: int | None = None) -> ComplaintCase:
    """Register a case; its first receiver owns it (首诉负责制). The caller commits, then enqueues classification."""
    departments = list(departments)
    received_at = received_at or utcnow()
    contact = normalise_phone(contact)
    case = ComplaintCase(
        hospital_id=hospital_id,
        channel=CaseChannel(channel).value, kind=kind.value, status=CaseStatus.OPEN.value, text=text.strip(),
        received_at=received_at, received_by_id=received_by.id if received_by else None,
        owner_id=received_by.id if received_by else None, external_ref=external_ref or None,
        complainant_encrypted=encrypt_contact(complainant.strip()) if complainant.strip() else None,
        contact_encrypted=encrypt_contact(contact.strip()) if contact.strip() and contact_consent else None,
        contact_consent=bool(contact.strip()) and contact_consent,
        multi_department=len(departments) > 1 if multi_department is None else multi_department,
        on_the_spot=on_the_spot, serious=serious, comment_id=comment_id, response_id=response_id,
        departments=departments, attempts=0, urgent=False, classify_status="pending",
    )
    set_deadline(case)
    _insert_numbered(case, local(received_at).year)
    add_event(case, EventKind.RECEIVED, user_id=case.received_by_id, at=received_at,
              details={"channel": case.channel, "due_on": case.due_on.isoformat()})
    return case


def _open(case: ComplaintCase) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseError(_l("The case is closed."))


def hand_over(case: ComplaintCase, to: User, *, by: User, note: str = "", at: datetime | None = None) -> None:
    """Hand the case to TO, who owns it from now on; the hand-over is on the timeline."""
    _open(case)
    if to.id == case.owner_id:
        raise CaseError(_l("The case already belongs to this person."))
    previous = case.owner_id
    case.owner_id = to.id
    add_event(case, EventKind.HANDOVER, user_id=by.id, to_user_id=to.id, note=note or None,
              details={"from_user_id": previous}, at=at)


def set_departments(case: ComplaintCase, departments: Iterable[Department], *, by: User,
                    multi_department: bool | None = None) -> None:
    """Change the departments concerned; the deadline follows (10 working days for several)."""
    case.departments = list(departments)
    case.multi_department = len(case.departments) > 1 if multi_department is None else multi_department
    set_deadline(case)
    add_event(case, EventKind.NOTE, user_id=by.id, details={
        "departments": [d.id for d in case.departments], "due_on": case.due_on.isoformat()})


def reply(case: ComplaintCase, note: str, *, by: User, at: datetime | None = None) -> None:
    """The complainant heard the handling (反馈); the first reply is what the legal deadline measures."""
    _open(case)
    at = at or utcnow()
    if case.first_reply_at is None:
        case.first_reply_at = at
        case.status = CaseStatus.REPLIED.value
    add_event(case, EventKind.REPLY, user_id=by.id, note=note, at=at,
              details={"on_time": on_time(case)})


def call_back(case: ComplaintCase, satisfaction: Satisfaction | str, note: str = "", *, by: User,
              at: datetime | None = None) -> None:
    """The call-back (满意度回访) and the complainant's answer."""
    _open(case)
    case.satisfaction = Satisfaction(satisfaction).value
    add_event(case, EventKind.CALLBACK, user_id=by.id, note=note or None, details={"satisfaction": case.satisfaction},
              at=at)


def record_outcome(case: ComplaintCase, outcome: str, *, by: User, at: datetime | None = None) -> None:
    """What was done (处理结果)."""
    _open(case)
    case.outcome = outcome.strip()
    add_event(case, EventKind.OUTCOME, user_id=by.id, note=case.outcome, at=at)


def close(case: ComplaintCase, *, by: User, at: datetime | None = None) -> None:
    """Close a case that has had its reply and an outcome."""
    _open(case)
    if case.first_reply_at is None or not case.outcome:
        raise CaseError(_l("A case is closed after a reply and an outcome."))
    case.status, case.closed_at = CaseStatus.CLOSED.value, at or utcnow()
    add_event(case, EventKind.CLOSED, user_id=by.id, at=case.closed_at)


def on_time(case: ComplaintCase) -> bool | None:
    """Whether the first reply came by the due date (None while there is no reply)."""
    if case.first_reply_at is None or case.due_on is None:
        return None
    return local(case.first_reply_at).date() <= case.due_on
