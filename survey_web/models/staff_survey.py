"""The staff satisfaction survey (医务人员满意度): rounds, the units that hand out links, anonymous answers.

Nothing here identifies a respondent: no account, device, address or time of day is stored with a
response (only the day it came in), and results leave the domain only through
`staff_survey.groups`, which never shows a group under 10.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, one_of, utcnow
from .org import new_token


class RoundStatus(StrEnum):
    """A round collects answers while open; its results are shown only once it is closed, so two looks
    at a growing round cannot be subtracted to read one person's answers."""

    OPEN = "open"
    CLOSED = "closed"


class StaffCategory(StrEnum):
    """The staff groups of the bank's `category` question."""

    DOCTOR = "doctor"
    NURSE = "nurse"
    MEDTECH = "medtech"
    ADMIN = "admin"


class StaffSurvey(TimestampMixin, db.Model):
    """One round of the survey in one hospital (e.g. 2026年度)."""

    __tablename__ = "staff_surveys"
    __table_args__ = (UniqueConstraint("hospital_id", "code"),
                      CheckConstraint(one_of("status", RoundStatus), name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=RoundStatus.OPEN.value)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    hospital = relationship("Hospital")
    units: Mapped[list[StaffUnit]] = relationship(back_populates="survey", order_by="StaffUnit.code")


class StaffUnit(TimestampMixin, db.Model):
    """A department as the staff survey sees it, with its own link (token) and its division (片区/系统):
    a department under 10 responses merges into its division, a division into the hospital."""

    __tablename__ = "staff_units"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("staff_surveys.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    division: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    active: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[StaffSurvey] = relationship(back_populates="units")


class StaffResponse(db.Model):
    """One anonymous answer sheet. `submitted_on` is a day, never a time: a time of day could point at
    whoever was on shift."""

    __tablename__ = "staff_responses"
    __table_args__ = (CheckConstraint(one_of("category", StaffCategory), name="category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("staff_units.id", ondelete="CASCADE"), index=True)
    bank_version_id: Mapped[int] = mapped_column(ForeignKey("bank_versions.id"))
    category: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(8))
    submitted_on: Mapped[date] = mapped_column(Date)
    # The form's random one-time key: a resent form stores nothing twice (it names no one).
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)

    unit: Mapped[StaffUnit] = relationship()
    answers: Mapped[list[StaffAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    comment: Mapped[StaffComment | None] = relationship(back_populates="response", cascade="all, delete-orphan")


class StaffAnswer(db.Model):
    __tablename__ = "staff_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_code"),
                      CheckConstraint("score IS NULL OR (score BETWEEN 1 AND 5)", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("staff_responses.id", ondelete="CASCADE"), index=True)
    question_code: Mapped[str] = mapped_column(String(48))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    option: Mapped[str | None] = mapped_column(String(48))

    response: Mapped[StaffResponse] = relationship(back_populates="answers")


class StaffComment(db.Model):
    """A staff comment with its staff themes (analysis/staff_taxonomy.yaml). It stays out of the patient
    problem list unless the office moves it there (`problem_item_id` then names the item it became)."""

    __tablename__ = "staff_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("staff_responses.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    themes: Mapped[list] = mapped_column(JSON, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    classified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)
    problem_item_id: Mapped[int | None] = mapped_column(ForeignKey("problem_items.id", ondelete="SET NULL"))

    response: Mapped[StaffResponse] = relationship(back_populates="comment")
