"""The monthly problem list (整改问题清单) and its ledger: 立账 -> 督办 -> 销号, carried over until closed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from analysis.ledger import ItemStatus

from ..extensions import db
from .base import TimestampMixin, one_of, utcnow

ITEM_SOURCES = ("theme", "question", "manual")
NOTE_KINDS = ("progress", "reminder")


class ProblemList(TimestampMixin, db.Model):
    """One month's list for a hospital (department_id NULL) or for one department."""

    __tablename__ = "problem_lists"
    # scope_key is the department id, or 0 for the hospital list: NULLs never collide in a unique
    # constraint, and this one is what makes generation idempotent across workers.
    __table_args__ = (UniqueConstraint("hospital_id", "scope_key", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    scope_key: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(7))
    responses: Mapped[int] = mapped_column(Integer, default=0)
    prev_responses: Mapped[int] = mapped_column(Integer, default=0)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    hospital = relationship("Hospital")
    department = relationship("Department")
    items: Mapped[list[ProblemItem]] = relationship(back_populates="problem_list", cascade="all, delete-orphan",
                                                    order_by="ProblemItem.rank, ProblemItem.id")


class ProblemItem(TimestampMixin, db.Model):
    """One item with its evidence and the four 明确; a carried-over item is a new row in the new month's
    list pointing at the row it continues (`carried_from_id`), whose status becomes 'carried'."""

    __tablename__ = "problem_items"
    __table_args__ = (
        CheckConstraint(one_of("status", ItemStatus), name="status"),
        CheckConstraint(one_of("source", ITEM_SOURCES), name="source"),
        Index("ix_problem_items_list_status", "list_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("problem_lists.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(10))
    theme: Mapped[str | None] = mapped_column(String(24))
    question_code: Mapped[str | None] = mapped_column(String(48))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    origin_month: Mapped[str] = mapped_column(String(7))
    rank: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    # The four 明确: what, how, who, by when.
    problem: Mapped[str] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    owner_office: Mapped[str | None] = mapped_column(String(100))
    owner_person: Mapped[str | None] = mapped_column(String(100))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ItemStatus.DRAFT.value)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    measure_taken: Mapped[str | None] = mapped_column(Text)
    closure_evidence: Mapped[str | None] = mapped_column(Text)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("problem_items.id"))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("problem_items.id"), unique=True)

    problem_list: Mapped[ProblemList] = relationship(back_populates="items")
    department = relationship("Department")
    notes: Mapped[list[ProblemNote]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                    order_by="ProblemNote.at")
    carried_from = relationship("ProblemItem", remote_side=[id], foreign_keys=[carried_from_id])
    merged_into = relationship("ProblemItem", remote_side=[id], foreign_keys=[merged_into_id])


class ProblemNote(db.Model):
    """督办 records: progress reported by the owner, and reminders sent for overdue items."""

    __tablename__ = "problem_notes"
    __table_args__ = (CheckConstraint(one_of("kind", NOTE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("problem_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)

    item: Mapped[ProblemItem] = relationship(back_populates="notes")
    user = relationship("User")
