"""Dead letters: comments whose classification kept failing, listed for operators and retried on demand.

`Comment.attempts` counts runs of the classify job that failed for a reason of the comment's own, not
outages: a dropped database connection, a Redis outage or a missing worker say nothing about the
comment, and a comment must not be given up on because PostgreSQL restarted or no worker was running.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..dbsession import discard_session
from ..extensions import db
from ..models import Comment, Department, Response, SurveyPoint, utcnow
from ..models.responses import CommentStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
TRANSIENT = (OperationalError, InterfaceError, DisconnectionError, PendingRollbackError, PoolTimeout, RedisError,
             ConnectionError, TimeoutError)


def is_transient(exc: BaseException) -> bool:
    """Whether EXC is an outage (database connection, pool, Redis) rather than a fault of the job's input."""
    return isinstance(exc, TRANSIENT) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def record_failure(comment_id: int, exc: BaseException) -> None:
    """Count a failed classification of COMMENT_ID; at MAX_ATTEMPTS the comment becomes a dead letter."""
    if is_transient(exc):
        return
    discard_session()
    try:
        attempts = Comment.attempts + 1
        failed_now = case((attempts >= MAX_ATTEMPTS, CommentStatus.FAILED.value), else_=CommentStatus.PENDING.value)
        db.session.execute(update(Comment).where(Comment.id == comment_id, Comment.status == CommentStatus.PENDING)
                           .values(attempts=attempts, status=failed_now))
        db.session.commit()
    except SQLAlchemyError as error:  # the job's own exception is the one worth reporting
        log.warning("could not count the failure of comment %s: %s", comment_id, type(error).__name__)
        discard_session()


def dead_letter_summary(limit: int = 20) -> dict:
    """How many comments are dead letters, and the ids of the oldest LIMIT of them."""
    count = db.session.scalar(select(func.count(Comment.id)).where(Comment.status == CommentStatus.FAILED))
    ids = db.session.scalars(select(Comment.id).where(Comment.status == CommentStatus.FAILED).order_by(Comment.id)
                             .limit(limit)).all()
    return {"count": count, "ids": list(ids)}


def dead_letter_rows(limit: int = 200) -> list:
    """The oldest LIMIT dead letters: id, created_at, attempts, department and point names (no text)."""
    return db.session.execute(
        select(Comment.id, Comment.created_at, Comment.attempts, Department.name, SurveyPoint.name)
        .join(Response, Response.id == Comment.response_id).join(SurveyPoint, SurveyPoint.id == Response.point_id)
        .join(Department, Department.id == SurveyPoint.department_id)
        .where(Comment.status == CommentStatus.FAILED).order_by(Comment.id).limit(limit)
    ).all()


def retry_failed(comment_ids: list[int] | None = None) -> int:
    """Put dead letters (all, or COMMENT_IDS) back to pending with no attempts and enqueue them."""
    from . import enqueue_classify

    where = [Comment.status == CommentStatus.FAILED]
    if comment_ids is not None:
        where.append(Comment.id.in_(comment_ids))
    ids = db.session.scalars(update(Comment).where(*where).values(status=CommentStatus.PENDING, attempts=0,
                                                                             enqueued_at=utcnow())
                             .returning(Comment.id)).all()
    db.session.commit()
    for comment_id in ids:
        enqueue_classify(comment_id)
    log.info("dead letters retried: %d", len(ids))
    return len(ids)
