"""Staff review of a comment's themes.

A reviewed comment's effective themes are its `source='staff'` rows in `comment_themes`, even when there
are none (staff said no theme applies); the model's rows stay untouched for comparison and retraining.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, ForeignKey, Text, and_, exists, or_, select
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .responses import CommentTheme


class CommentReview(db.Model):
    __tablename__ = "comment_reviews"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    note: Mapped[str | None] = mapped_column(Text)

    reviewer = relationship("User")


def reviewed(comment_id: ColumnElement) -> ColumnElement:
    """SQL: the comment with id COMMENT_ID has been reviewed by staff."""
    # Aliases keep the subqueries from correlating with an outer query over the same tables.
    staff, review = aliased(CommentTheme), aliased(CommentReview)
    return or_(exists(select(review.comment_id).where(review.comment_id == comment_id)),
               exists(select(staff.id).where(staff.comment_id == comment_id, staff.source == "staff")))


def effective(theme_row=CommentTheme) -> ColumnElement:
    """SQL: THEME_ROW is one of its comment's effective themes (staff rows after review, else model rows).

    The one rule behind the office's review pages, the problem list and the dashboard's counts.
    """
    return or_(theme_row.source == "staff",
               and_(theme_row.source == "model", ~reviewed(theme_row.comment_id)))
