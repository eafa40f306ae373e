"""Shared column helpers for all models."""

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware current time in UTC; every stored timestamp is UTC."""
    return datetime.now(UTC)


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL of a CHECK that COLUMN holds one of VALUES: "col IN ('a', 'b')" (the migrations' exact text)."""
    return f"{column} IN ({', '.join(chr(39) + str(v) + chr(39) for v in values)})"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


class ClassifyStatus(StrEnum):
    """Where a text row is in classification: the values `comments.status` and
    `complaint_cases.classify_status` store."""

    PENDING = "pending"  # waiting for a worker (the sweeper re-enqueues stale ones)
    DONE = "done"
    FAILED = "failed"  # a dead letter: its classification failed MAX_ATTEMPTS times


class ClassifiedMixin:
    """The classifier's bookkeeping and verdict on a text row (a survey comment, a complaint case): the same
    columns on both, so one function stores a verdict on either (`responses.verdicts`)."""

    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    classified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    model_version: Mapped[str | None] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str | None] = mapped_column(String(24))
    # 0 = the model is sure of every decision .. 1 = a coin toss on one (analysis.uncertainty)
    uncertainty: Mapped[float | None] = mapped_column(Float)


class ThemeRowMixin:
    """One theme of a classified row, the model's or the office's (`comment_themes`, `case_themes`): in rows,
    so counts by theme are plain SQL."""

    theme: Mapped[str] = mapped_column(String(24))
    polarity: Mapped[str] = mapped_column(String(3))
    confidence: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8), default="model")


def theme_row_checks() -> tuple[CheckConstraint, CheckConstraint]:
    """The CHECKs of a `ThemeRowMixin` table (new objects each call: a constraint belongs to one table)."""
    return (CheckConstraint("polarity IN ('pos', 'neg')", name="polarity"),
            CheckConstraint("source IN ('model', 'staff')", name="source"))
