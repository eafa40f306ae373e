"""Answer tallies of closed periods (months, and the days of the running month), so a 12-month trend does
not re-read 12 months of answers and the running month does not re-read its first 29 days.

Only counts live here (never a share or an interval: those are computed from the counts when shown).
A period's rows are rebuilt whenever a response for it arrives after they were built, so the cache can
be dropped at any time (`flask indicators refresh`) without losing anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class IndicatorPeriod(db.Model):
    """One counted period, '2025-10' or '2025-10-07' (all hospitals); `max_response_id` is the newest
    response known to be counted (raised whenever a check finds nothing new for the period)."""

    __tablename__ = "indicator_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(10), unique=True)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    max_response_id: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorCell(db.Model):
    """Answers to one question at one point by one role and mode, in one period."""

    __tablename__ = "indicator_cells"
    __table_args__ = (Index("ix_indicator_cells_period_point", "period_id", "point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("indicator_periods.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(ForeignKey("survey_points.id", ondelete="CASCADE"))
    bank_version_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(24))
    question_code: Mapped[str] = mapped_column(String(48))
    answers: Mapped[int] = mapped_column(Integer, default=0)
    top: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[int] = mapped_column(Integer, default=0)
    na: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorResponses(db.Model):
    """Responses at one point by one role and mode, in one period."""

    __tablename__ = "indicator_responses"
    __table_args__ = (Index("ix_indicator_responses_period_point", "period_id", "point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("indicator_periods.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(ForeignKey("survey_points.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(24))
    responses: Mapped[int] = mapped_column(Integer, default=0)
