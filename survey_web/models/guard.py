"""Abuse bookkeeping: refused submissions are counted, registered kiosks are known."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TimestampMixin

REFUSAL_REASONS = ("duplicate", "honeypot", "too_fast", "rate_limited", "tampered", "empty")


class RefusalCount(db.Model):
    """Per point, day and reason: how many submissions were refused (never silently dropped)."""

    __tablename__ = "refusal_counts"
    __table_args__ = (UniqueConstraint("point_id", "day", "reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("survey_points.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class KioskDevice(TimestampMixin, db.Model):
    """A shared tablet registered by an administrator, on which signed-in volunteers record interviews.

    The tablet holds a random secret in a cookie; only its keyed hash is stored (`device_hash`). The
    cookie's life is bounded by `device_expires_at` (renewed while volunteers use the tablet), and
    `revoked_at` ends it at once. An enrolment link is spent by a POST before `enrol_expires_at`.
    """

    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    device_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    device_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Seconds without a touch before a half-done interview is discarded (the warning comes before).
    idle_seconds: Mapped[int] = mapped_column(Integer, default=300, server_default="300")
