"""What respondents give us: a response, its answers, and the free-text comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import ClassifiedMixin, ClassifyStatus, ThemeRowMixin, one_of, theme_row_checks, utcnow

ROLES = ("patient", "family")
MODES = ("self", "volunteer_assisted")


# The comments' name for it; a comment's dead letter is recorded by jobs/dead_letters.py.
CommentStatus = ClassifyStatus

class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(one_of("mode", MODES), name="mode"),
        Index("ix_responses_point_submitted", "point_id", "submitted_at"),
        Index("ix_responses_device_point", "device_hash", "point_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("survey_points.id"))
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_versions.id"))
    role: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(24), default="self")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The form's one-time key: a double tap or a resent POST cannot store a second row.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC of the device cookie; never the cookie itself.
    device_hash: Mapped[str | None] = mapped_column(String(64))
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Who interviewed and on which registered tablet (mode volunteer_assisted); NULL for self-completed.
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk_devices.id"))
    # Keyed hash of the receipt code shown on the thanks page (the code itself is never stored).
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # An answer to a follow-up invitation: which campaign and channel brought it (never the invitation).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("followup_campaigns.id"), index=True)
    channel: Mapped[str | None] = mapped_column(String(10))

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    comment: Mapped[Comment | None] = relationship(back_populates="response", cascade="all, delete-orphan")
    point = relationship("SurveyPoint")
    bank_version = relationship("BankVersion")
    volunteer = relationship("User")
    kiosk = relationship("KioskDevice")

class Answer(db.Model):
    """One answered question. `score` 1-5 for scales; `option` for choices and 'na' (不适用)."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_code"),
        CheckConstraint("score IS NULL OR (score BETWEEN 1 AND 5)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_code: Mapped[str] = mapped_column(String(48))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    option: Mapped[str | None] = mapped_column(String(48))

    response: Mapped[Response] = relationship(back_populates="answers")

class Comment(ClassifiedMixin, db.Model):
    """Free text, classified later by a job; `status` stays 'pending' until a worker stores a result."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(one_of("status", CommentStatus), name="status"),
        Index("ix_comments_status_created", "status", "created_at"),
        Index("ix_comments_uncertainty", "uncertainty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=CommentStatus.PENDING.value)
    # When the retention job removed the free text (the themes and the urgent flag stay, so figures do).
    text_removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    response: Mapped[Response] = relationship(back_populates="comment")
    themes: Mapped[list[CommentTheme]] = relationship(back_populates="comment", cascade="all, delete-orphan")

class CommentTheme(ThemeRowMixin, db.Model):
    """One theme of a comment, kept in rows so monthly counts are plain SQL."""

    __tablename__ = "comment_themes"
    __table_args__ = (
        UniqueConstraint("comment_id", "theme", "source"),
        *theme_row_checks(),
        Index("ix_comment_themes_theme_polarity", "theme", "polarity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))

    comment: Mapped[Comment] = relationship(back_populates="themes")
