"""Complaint cases (医疗机构投诉): the case, its departments, its themes and its audited timeline.

A case belongs to the member of staff who first received it (首诉负责制) until a hand-over; the
deadline is counted in working days on the hospital's calendar (see `complaints.deadlines`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import (
    ClassifiedMixin,
    ClassifyStatus,
    ThemeRowMixin,
    TimestampMixin,
    one_of,
    theme_row_checks,
    utcnow,
)


class CaseChannel(StrEnum):
    """How the complaint reached the hospital; the values are what `complaint_cases.channel` stores."""

    ONSITE = "onsite"  # 现场
    PHONE = "phone"  # 电话
    LETTER = "letter"  # 信函
    MAILBOX = "mailbox"  # 院长信箱
    ONLINE = "online"  # 网络
    HOTLINE_12345 = "12345"  # 12345 政务服务便民热线
    HOTLINE_12320 = "12320"  # 12320 卫生健康热线
    SURVEY = "survey"  # a survey comment or a low overall score
    OTHER = "other"


class CaseKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    REVISIT = "revisit"  # 回访: opened by rule from a low survey score with consented contact


class CaseStatus(StrEnum):
    OPEN = "open"  # received, no reply to the complainant yet
    REPLIED = "replied"  # the complainant has heard the handling (the legal deadline is met or missed here)
    CLOSED = "closed"


class EventKind(StrEnum):
    RECEIVED = "received"
    HANDOVER = "handover"
    REPLY = "reply"
    CALLBACK = "callback"
    OUTCOME = "outcome"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    CLOSED = "closed"
    NOTE = "note"


class Satisfaction(StrEnum):
    """The complainant's answer at the call-back (满意度回访)."""

    SATISFIED = "satisfied"
    BASICALLY = "basically"
    DISSATISFIED = "dissatisfied"
    UNREACHABLE = "unreachable"


case_departments = Table(
    "case_departments", db.metadata,
    Column("case_id", ForeignKey("complaint_cases.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class ComplaintCase(ClassifiedMixin, TimestampMixin, db.Model):
    __tablename__ = "complaint_cases"
    __table_args__ = (
        UniqueConstraint("hospital_id", "number"),
        UniqueConstraint("hospital_id", "external_ref"),
        CheckConstraint(one_of("channel", CaseChannel), name="channel"),
        CheckConstraint(one_of("kind", CaseKind), name="kind"),
        CheckConstraint(one_of("status", CaseStatus), name="status"),
        CheckConstraint(one_of("classify_status", ClassifyStatus), name="classify_status"),
        CheckConstraint(f"satisfaction IS NULL OR {one_of('satisfaction', Satisfaction)}", name="satisfaction"),
        Index("ix_complaint_cases_hospital_status_due", "hospital_id", "status", "due_on"),
        Index("ix_complaint_cases_classify", "classify_status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"))
    number: Mapped[str] = mapped_column(String(32))  # 编号, e.g. TS2026-0001
    channel: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(12), default=CaseKind.COMPLAINT.value)
    status: Mapped[str] = mapped_column(String(10), default=CaseStatus.OPEN.value)
    # A hotline work-order number or another outside reference; unique per hospital (deduplication).
    external_ref: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)  # the complainant's words
    # Personal data: Fernet-encrypted like survey contacts (crypto.py), shown masked, never logged.
    complainant_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    multi_department: Mapped[bool] = mapped_column(Boolean, default=False)
    on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)  # 现场协调处理 where possible
    serious: Mapped[bool] = mapped_column(Boolean, default=False)  # marked serious by staff
    # Deadline: a hospital-local date, `deadline_days` working days after receipt; `calendar_warning`
    # is set when the holiday calendar does not know a year the count ran through.
    deadline_days: Mapped[int] = mapped_column(SmallInteger, default=5)
    due_on: Mapped[date | None] = mapped_column(Date)
    calendar_warning: Mapped[str | None] = mapped_column(String(200))
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(14))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Reminders and escalation are claimed once each by a conditional UPDATE (the tick may run twice).
    due_soon_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where it came from inside the system (an urgent comment's alert, a survey response's low score).
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), unique=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"), unique=True)
    # Classification by the comments' classifier, through the same RQ path.
    classify_status: Mapped[str] = mapped_column(String(10), default=ClassifyStatus.PENDING.value)

    hospital = relationship("Hospital")
    owner = relationship("User", foreign_keys=[owner_id])
    received_by = relationship("User", foreign_keys=[received_by_id])
    departments = relationship("Department", secondary=case_departments, order_by="Department.code")
    themes: Mapped[list[CaseTheme]] = relationship(back_populates="case", cascade="all, delete-orphan")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                   order_by="CaseEvent.at, CaseEvent.id")


class CaseTheme(ThemeRowMixin, db.Model):
    """One theme of a case, in rows like `comment_themes` so counts by theme are plain SQL."""

    __tablename__ = "case_themes"
    __table_args__ = (
        UniqueConstraint("case_id", "theme", "source"),
        *theme_row_checks(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_cases.id", ondelete="CASCADE"), index=True)

    case: Mapped[ComplaintCase] = relationship(back_populates="themes")


class CaseEvent(db.Model):
    """One entry of a case's timeline; the app only appends (each is mirrored in `audit_events`)."""

    __tablename__ = "case_events"
    __table_args__ = (
        CheckConstraint(one_of("kind", EventKind), name="kind"),
        Index("ix_case_events_case_at", "case_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A hand-over's new owner; None for other kinds.
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)

    case: Mapped[ComplaintCase] = relationship(back_populates="events")
    user = relationship("User", foreign_keys=[user_id])
    to_user = relationship("User", foreign_keys=[to_user_id])
