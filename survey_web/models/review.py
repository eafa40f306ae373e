"""Staff review of a comment's themes.

A reviewed comment's effective themes are its `source='staff'` rows in `comment_themes`, even when there
are none (staff said no theme applies); the model's rows stay untouched for comparison and retraining.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class CommentReview(db.Model):
    __tablename__ = "comment_reviews"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    note: Mapped[str | None] = mapped_column(Text)

    reviewer = relationship("User")
