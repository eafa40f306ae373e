"""The 投诉登记 register as an XLSX sheet: one row per case, personal data masked, words de-identified."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from analysis.deidentify import excerpt

from .. import exports
from ..crypto import decrypt_contact, mask_phone
from ..extensions import db
from ..models import ComplaintCase, User
from ..models.complaints import CaseEvent, EventKind
from ..timeutil import local
from .access import may_see_contact, visible_cases
from .cases import on_time
from .labels import CHANNEL_LABELS, SATISFACTION_LABELS

HEADERS = [_l("Case no."), _l("Received on"), _l("Channel"), _l("Complainant (masked)"), _l("Contact (masked)"),
           _l("Departments concerned"), _l("Summary of the complaint"), _l("Handling"), _l("Outcome"),
           _l("Replied on"), _l("On time"), _l("Call-back satisfaction"), _l("Owner"), _l("Closed on")]
WIDTHS = [13, 11, 10, 10, 13, 14, 40, 44, 30, 11, 8, 10, 10, 11]
STEP_NAMES = {EventKind.RECEIVED: _l("received"), EventKind.HANDOVER: _l("handed over to"),
              EventKind.REPLY: _l("replied"), EventKind.CALLBACK: _l("called back"),
              EventKind.OUTCOME: _l("outcome recorded"), EventKind.ESCALATION: _l("escalated"),
              EventKind.CLOSED: _l("closed")}


def mask_name(name: str | None) -> str:
    """'张三丰' -> '张**': the family name only."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _day(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d") if value else ""


def handling(events: list[CaseEvent]) -> str:
    """The timeline in one cell: 'MM-DD received (王老师); MM-DD handed over to 心内科主任; ...'."""
    parts = []
    for event in events:
        if event.kind not in STEP_NAMES:
            continue
        who = event.to_user.display_name if event.kind == EventKind.HANDOVER and event.to_user else (
            event.user.display_name if event.user else "")
        step = f"{local(event.at):%m-%d} {STEP_NAMES[EventKind(event.kind)]}"
        parts.append(f"{step} {who}" if event.kind == EventKind.HANDOVER else f"{step}（{who}）" if who else step)
    return "；".join(parts)


def _contact(user: User, case: ComplaintCase) -> tuple[str, str]:
    if not may_see_contact(user, case):
        return "—", "—"
    name = decrypt_contact(case.complainant_encrypted) if case.complainant_encrypted else None
    phone = decrypt_contact(case.contact_encrypted) if case.contact_encrypted else None
    return mask_name(name), mask_phone(phone) if phone else ""


def rows(user: User, start: datetime, end: datetime) -> list[list]:
    """The register rows of the cases USER may see, received in [START, END)."""
    query = visible_cases(user).options(
        selectinload(ComplaintCase.departments), selectinload(ComplaintCase.owner),
        selectinload(ComplaintCase.events).selectinload(CaseEvent.user),
        selectinload(ComplaintCase.events).selectinload(CaseEvent.to_user),
    ).where(ComplaintCase.received_at >= start, ComplaintCase.received_at < end).order_by(ComplaintCase.number)
    table = []
    for case in db.session.scalars(query):
        name, phone = _contact(user, case)
        timely = on_time(case)
        table.append([
            case.number, _day(case.received_at), str(CHANNEL_LABELS.get(case.channel, case.channel)), name, phone,
            "、".join(d.name for d in case.departments), excerpt(case.text, 200), handling(case.events),
            case.outcome or "", _day(case.first_reply_at), "" if timely is None else (_("Yes") if timely else _("No")),
            str(SATISFACTION_LABELS.get(case.satisfaction, "")) if case.satisfaction else "",
            case.owner.display_name if case.owner else "", _day(case.closed_at)])
    return table


def register_xlsx(user: User, start: datetime, end: datetime, period: str) -> bytes:
    """The register of the period as a printable XLSX sheet (exports.to_xlsx: no formulas, A4 landscape)."""
    return exports.to_xlsx(_("Complaint register (投诉登记)"), [str(h) for h in HEADERS], rows(user, start, end),
                           widths=WIDTHS, subtitle=period)
