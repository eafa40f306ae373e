"""Due-soon and overdue cases: highlighted on the pages, reminded once each, escalated to the office head.

The deadline measures the first reply (反馈) to the complainant, so only open cases are watched. Each
reminder and the escalation is claimed by a conditional UPDATE of its own timestamp: a tick running on
two workers at once records and sends it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import ComplaintCase, User, utcnow
from ..models.complaints import CaseStatus, EventKind
from ..timeutil import today
from .cases import add_event
from .deadlines import working_days_between


class Urgency(StrEnum):
    NONE = ""
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATE = "escalate"  # overdue long enough to go to the office head


@dataclass(frozen=True)
class Notice:
    case_id: int
    what: str  # "due_soon", "overdue" or "escalation"


def urgency(case: ComplaintCase, day: date | None = None) -> Urgency:
    """Where CASE stands against its deadline on DAY (today at the hospital)."""
    if case.status != CaseStatus.OPEN or case.due_on is None:
        return Urgency.NONE
    day = day or today()
    config = current_app.config
    if day > case.due_on:
        escalate = config.get("COMPLAINTS_ESCALATE_DAYS", 2)
        late = working_days_between(case.due_on, day, cap=escalate)
        return Urgency.ESCALATE if late >= escalate else Urgency.OVERDUE
    soon = config.get("COMPLAINTS_DUE_SOON_DAYS", 1)
    return Urgency.DUE_SOON if working_days_between(day, case.due_on, cap=soon) <= soon else Urgency.NONE


def office_head(hospital_id: int) -> User | None:
    """The account named by COMPLAINTS_HEAD if it belongs to HOSPITAL_ID (else None: the whole office)."""
    name = current_app.config.get("COMPLAINTS_HEAD")
    if not name:
        return None
    return db.session.scalar(select(User).where(User.username == name, User.active.is_(True),
                                                User.hospital_id == hospital_id))


def _claim(case: ComplaintCase, column) -> bool:
    now = utcnow()
    hit = db.session.execute(update(ComplaintCase).where(ComplaintCase.id == case.id, column.is_(None))
                             .values({column.key: now}).execution_options(synchronize_session=False)).rowcount
    return bool(hit)


def check(hospital_ids: set[int] | None = None, day: date | None = None) -> list[Notice]:
    """Record due-soon and overdue reminders and escalations that are due, commit, and say what to send."""
    day = day or today()
    query = select(ComplaintCase).where(ComplaintCase.status == CaseStatus.OPEN, ComplaintCase.due_on.is_not(None))
    if hospital_ids is not None:
        query = query.where(ComplaintCase.hospital_id.in_(hospital_ids))
    notices, heads = [], {}
    for case in db.session.scalars(query.order_by(ComplaintCase.due_on, ComplaintCase.id)).all():
        state = urgency(case, day)
        # The loaded row answers "already done?" without a statement; the UPDATE settles a race.
        if state == Urgency.DUE_SOON and case.due_soon_reminded_at is None \
                and _claim(case, ComplaintCase.due_soon_reminded_at):
            add_event(case, EventKind.REMINDER, user_id=None, details={"reminder": "due_soon",
                                                                       "due_on": case.due_on.isoformat()})
            notices.append(Notice(case.id, "due_soon"))
        if state in (Urgency.OVERDUE, Urgency.ESCALATE) and case.overdue_reminded_at is None \
                and _claim(case, ComplaintCase.overdue_reminded_at):
            add_event(case, EventKind.REMINDER, user_id=None, details={"reminder": "overdue",
                                                                       "due_on": case.due_on.isoformat()})
            notices.append(Notice(case.id, "overdue"))
        if state == Urgency.ESCALATE and case.escalated_at is None and _claim(case, ComplaintCase.escalated_at):
            if case.hospital_id not in heads:
                heads[case.hospital_id] = office_head(case.hospital_id)
            head = heads[case.hospital_id]
            add_event(case, EventKind.ESCALATION, user_id=None, to_user_id=head.id if head else None,
                      details={"due_on": case.due_on.isoformat()})
            notices.append(Notice(case.id, "escalation"))
    db.session.commit()
    return notices
