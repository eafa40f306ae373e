"""The classification job: a comment id in, themes and the urgent flag stored exactly once."""

from __future__ import annotations

import logging

import analysis

from ..extensions import db
from ..models import Comment, CommentTheme, UrgentAlert
from ..responses import verdicts
from .context import job_context
from .dead_letters import record_failure

log = logging.getLogger(__name__)


def classify_comment(comment_id: int) -> str:
    """RQ job: classify one comment. Idempotent: a second run finds the row done and does nothing."""
    with job_context():
        try:
            return store_classification(comment_id)
        except Exception as exc:
            record_failure(comment_id, exc)
            raise  # RQ records the failure and schedules the retry


def store_classification(comment_id: int) -> str:
    """Classify the pending comment COMMENT_ID and store the result; returns 'done' or 'skipped'."""
    text = verdicts.pending_text(Comment.status, comment_id)
    if text is None:
        return "skipped"
    return "done" if save_classification(comment_id, analysis.classify(text)) else "skipped"


def save_classification(comment_id: int, result: analysis.Classification) -> bool:
    """Store RESULT for a pending comment and commit; False if another run stored one first."""
    if not verdicts.store_verdict(Comment.status, comment_id, result, CommentTheme.comment_id):
        return False
    alert = None
    if result.urgent:
        # Same transaction as the result: an urgent comment is never stored without its inbox entry.
        alert = UrgentAlert(comment_id=comment_id, reason=result.urgent_reason or "safety")
        db.session.add(alert)
    db.session.commit()
    if alert is not None:
        from .notify import enqueue_notification

        enqueue_notification(alert.id)
    log.info("comment %s classified: %d themes, urgent=%s", comment_id, len(result.themes), result.urgent)
    return True


def classify_pending_now(batch_size: int = 256) -> int:
    """Classify every pending comment in this process, in batches; returns how many were stored."""
    return verdicts.classify_pending_now(Comment.status, save_classification, batch_size)
