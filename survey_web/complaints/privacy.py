"""The complainant's personal data in cases follows the same rules as survey contacts (PIPL).

- Retention: name and phone number go RETENTION_CONTACT_DAYS after the case was closed (the case itself,
  its de-identifiable words and its timeline stay: the register and the analysis need them).
- Erasure: when a respondent erases their survey answers (privacy/rights.py), a case opened from them
  loses the copy of their words and contact and its link to the response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import ComplaintCase
from ..models.complaints import CaseStatus, EventKind
from .cases import add_event

ERASED_TEXT = "（问卷作答人已要求删除其原话）"


def remove_closed_contacts(closed_before: datetime) -> int:
    """Drop name and phone number of cases closed before CLOSED_BEFORE; returns how many cases changed."""
    result = db.session.execute(
        update(ComplaintCase).where(
            ComplaintCase.status == CaseStatus.CLOSED, ComplaintCase.closed_at < closed_before,
            or_(ComplaintCase.contact_encrypted.is_not(None), ComplaintCase.complainant_encrypted.is_not(None)))
        .values(contact_encrypted=None, complainant_encrypted=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


def forget_response(response_id: int, comment_id: int | None) -> int:
    """Cases opened from RESPONSE_ID (回访) or its comment (an urgent alert) lose the respondent's words,
    contact and link; a timeline note says so. The caller commits. Returns how many cases changed."""
    conditions = [ComplaintCase.response_id == response_id]
    if comment_id is not None:
        conditions.append(ComplaintCase.comment_id == comment_id)
    found = list(db.session.scalars(select(ComplaintCase).where(or_(*conditions))))
    for case in found:
        case.text, case.contact_encrypted, case.contact_consent = ERASED_TEXT, None, False
        case.response_id = case.comment_id = None
        add_event(case, EventKind.NOTE, user_id=None, details={"erased": "respondent"})
    return len(found)
