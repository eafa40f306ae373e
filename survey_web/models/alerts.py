"""Urgent comments reach the office inbox at once, and each one is followed up (回访) to an outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ColumnElement, DateTime, ForeignKey, String, Text, and_, exists, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class UrgentAlert(db.Model):
    __tablename__ = "urgent_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    followup_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    followup_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Closed by the office as not urgent (误报): the staff's judgement, kept apart from the model's flag.
    false_alarm: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    comment = relationship("Comment")


def still_urgent() -> ColumnElement[bool]:
    """SQL: the comment is flagged urgent and the office has not closed its alert as a false alarm."""
    from .responses import Comment

    return and_(Comment.urgent.is_(True), ~exists().where(UrgentAlert.comment_id == Comment.id,
                                                           UrgentAlert.false_alarm.is_(True)))
