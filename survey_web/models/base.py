"""Shared column helpers for all models."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import DateTime
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
