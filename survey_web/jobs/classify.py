"""The classification job: a comment id in, themes and the urgent flag stored exactly once."""

from __future__ import annotations

import logging

from sqlalchemy import insert, select, update

import analysis

from ..extensions import db
from ..models import Comment, CommentTheme, UrgentAlert, utcnow
from ..models.responses import CommentStatus
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
    text = db.session.scalar(select(Comment.text).where(Comment.id == comment_id, Comment.status == CommentStatus.PENDING))
    db.session.rollback()  # release the read snapshot while the model works
    if text is None:
        return "skipped"
    return "done" if save_classification(comment_id, analysis.classify(text)) else "skipped"


def save_classification(comment_id: int, result: analysis.Classification) -> bool:
    """Store RESULT for a pending comment and commit; False if another run stored one first."""
    # The conditional UPDATE claims the row: if another run finished first, it matches nothing.
    claimed = db.session.execute(
        update(Comment)
        .where(Comment.id == comment_id, Comment.status == CommentStatus.PENDING)
        .values(status=CommentStatus.DONE, classified_at=utcnow(), model_version=result.model_version,
                urgent=result.urgent, urgent_reason=result.urgent_reason, uncertainty=result.uncertainty)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    if result.themes:  # one executemany, not an ORM flush per row: the worker's time is mostly SQL
        db.session.execute(insert(CommentTheme), [
            {"comment_id": comment_id, "theme": code, "polarity": polarity,
             "confidence": result.confidence.get(code), "source": "model"}
            for code, polarity in result.themes.items()
        ])
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
    model = analysis.load_model()
    stored = 0
    while True:
        rows = db.session.execute(
            select(Comment.id, Comment.text).where(Comment.status == CommentStatus.PENDING).order_by(Comment.id)
            .limit(batch_size)
        ).all()
        db.session.rollback()
        if not rows:
            return stored
        results = model.classify_many([text for _id, text in rows])
        stored += sum(save_classification(comment_id, result) for (comment_id, _t), result in zip(rows, results, strict=True))
