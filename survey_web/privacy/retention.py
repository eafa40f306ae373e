"""Retention: free text and contacts are kept only as long as they are needed, then removed.

- A comment's text goes RETENTION_COMMENT_DAYS after it was written (default 3 years). Its themes, its
  urgent flag and the answers stay, so every figure computed before (and recounted later) is unchanged.
- A contact goes RETENTION_CONTACT_DAYS after its follow-up closed (default 90): the urgent alert's closing,
  or the submission when there was nothing to follow up. An open follow-up keeps it, up to the text's period.
- Device-hash keys go once the duplicate window no longer needs them (`device_keys`).
- A complaint case's name and phone number go RETENTION_CONTACT_DAYS after the case closed (complaints/privacy.py).
- A staff survey comment's text goes RETENTION_COMMENT_DAYS after the day it was answered (staff_survey/service.py).

`purge()` is idempotent: the worker runs it from its periodic tick, embedded mode from cron.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, not_, or_, select, update

from .. import audit
from ..complaints.privacy import remove_closed_contacts
from ..extensions import db
from ..models import Comment, Response, UrgentAlert, utcnow
from ..staff_survey.service import remove_old_texts
from . import device_keys
from .forget import drop_quotes

BATCH = 1000


def _expired_comments(cutoff: datetime) -> list[int]:
    return list(db.session.scalars(select(Comment.id).where(
        Comment.created_at < cutoff, Comment.text_removed_at.is_(None)).order_by(Comment.id).limit(BATCH)))


def remove_texts(cutoff: datetime, now: datetime) -> int:
    """Empty the text of comments written before CUTOFF (and their quotes in problem lists)."""
    removed = 0
    while ids := _expired_comments(cutoff):
        db.session.execute(update(Comment).where(Comment.id.in_(ids)).values(text="", text_removed_at=now))
        drop_quotes(ids)
        db.session.commit()
        removed += len(ids)
    return removed


def remove_contacts(closed_before: datetime, written_before: datetime) -> int:
    """Remove contacts whose follow-up closed before CLOSED_BEFORE, and any given before WRITTEN_BEFORE."""
    alert = select(UrgentAlert.id).join(Comment, Comment.id == UrgentAlert.comment_id) \
        .where(Comment.response_id == Response.id)
    open_alert = exists(alert.where(UrgentAlert.closed_at.is_(None)))
    late_close = exists(alert.where(UrgentAlert.closed_at >= closed_before))
    done = or_(and_(Response.submitted_at < closed_before, not_(open_alert), not_(late_close)),
               Response.submitted_at < written_before)
    result = db.session.execute(update(Response).where(Response.contact_encrypted.is_not(None), done)
                                .values(contact_encrypted=None).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def purge(now: datetime | None = None) -> dict:
    """Remove whatever is past its retention period; returns the counts (audited when anything went)."""
    now = now or utcnow()
    text_cutoff = now - timedelta(days=current_app.config["RETENTION_COMMENT_DAYS"])
    counts = {
        "comments": remove_texts(text_cutoff, now),
        "contacts": remove_contacts(now - timedelta(days=current_app.config["RETENTION_CONTACT_DAYS"]), text_cutoff),
        "device_keys": device_keys.forget_old(now.date()),
        "case_contacts": remove_closed_contacts(now - timedelta(days=current_app.config["RETENTION_CONTACT_DAYS"])),
        "staff_comments": remove_old_texts(text_cutoff.date()),
    }
    if any(counts.values()):
        audit.record("retention.purge", "response", None, after=counts, user_id=None)
    db.session.commit()
    return counts
