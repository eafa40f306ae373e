"""The sweeper: comments left pending (Redis was down, a worker died) are enqueued again."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import Comment, utcnow
from ..models.responses import CommentStatus

log = logging.getLogger(__name__)

# Longer than any healthy queue wait (milliseconds), short enough that a Redis outage costs under a minute.
STALE_AFTER = timedelta(seconds=30)


def sweep_pending(stale_after: timedelta = STALE_AFTER, limit: int = 1000) -> int:
    """Re-enqueue comments pending longer than STALE_AFTER; returns how many were handed on.

    Each row is claimed with a conditional UPDATE of `enqueued_at`, so several sweepers (one per
    worker machine) never enqueue the same comment twice in one round. A sweep is not an attempt: a
    comment left pending by an outage or a missing worker is swept for as long as it takes, and only
    failures of the job itself make it a dead letter (jobs/dead_letters.py).
    """
    from . import enqueue_classify, job_in_flight

    cutoff = utcnow() - stale_after
    stale = (Comment.status == CommentStatus.PENDING, Comment.created_at < cutoff,
             or_(Comment.enqueued_at.is_(None), Comment.enqueued_at < cutoff))
    ids = db.session.scalars(select(Comment.id).where(*stale).order_by(Comment.id).limit(limit)).all()
    claimed = []
    for comment_id in ids:
        if job_in_flight(f"classify-{comment_id}"):
            continue  # still queued or running: a second copy would only be skipped later
        hit = db.session.execute(update(Comment).where(Comment.id == comment_id, *stale)
                                 .values(enqueued_at=utcnow())).rowcount
        if hit:
            claimed.append(comment_id)
    db.session.commit()
    sent = sum(enqueue_classify(comment_id) for comment_id in claimed)
    if claimed:
        log.info("sweeper: %d stale comments, %d enqueued", len(claimed), sent)
    return sent
