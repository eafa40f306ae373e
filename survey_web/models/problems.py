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
from analysis.problem_clusters import EvidenceKind

from ..extensions import db
from .base import TimestampMixin, one_of, utcnow

# cluster: a specific problem inside a theme; evidence: one serious complaint or finding on its own.
ITEM_SOURCES = ("theme", "question", "manual", "cluster", "evidence")
DECISION_KINDS = ("merge", "split")
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
    # A specific problem's stable id (analysis.cluster): the same problem keeps it month after month.
    cluster_id: Mapped[str | None] = mapped_column(String(40))

    problem_list: Mapped[ProblemList] = relationship(back_populates="items")
    department = relationship("Department")
    notes: Mapped[list[ProblemNote]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                    order_by="ProblemNote.at")
    carried_from = relationship("ProblemItem", remote_side=[id], foreign_keys=[carried_from_id])
    merged_into = relationship("ProblemItem", remote_side=[id], foreign_keys=[merged_into_id])
    sources: Mapped[list[ProblemItemSource]] = relationship(back_populates="item", cascade="all, delete-orphan")


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


class ProblemItemSource(db.Model):
    """What supports an item: a survey comment, a complaint, a hotline work order or a finding.

    `ref_id` is the id in the source's own table (comments for survey); `excerpt` keeps the
    de-identified text of voices whose table is another domain's, so a split can read them.
    """

    __tablename__ = "problem_item_sources"
    __table_args__ = (
        CheckConstraint(one_of("kind", EvidenceKind), name="kind"),
        UniqueConstraint("item_id", "kind", "ref_id"),
        Index("ix_problem_item_sources_ref", "kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("problem_items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)
    excerpt: Mapped[str | None] = mapped_column(Text)

    item: Mapped[ProblemItem] = relationship(back_populates="sources")


class ProblemCluster(db.Model):
    """A specific problem found in a hospital's month: its stable id, title, size and signature.

    The next month's clustering matches its problems against these (identity and trend), and the
    销号 check reads how many voices a closed problem had in the months after its deadline.
    """

    __tablename__ = "problem_clusters"
    __table_args__ = (UniqueConstraint("hospital_id", "month", "theme", "cluster_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"))
    month: Mapped[str] = mapped_column(String(7))
    theme: Mapped[str] = mapped_column(String(24))
    cluster_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    departments: Mapped[dict] = mapped_column(JSON, default=dict)  # {department id: voices}
    signature: Mapped[dict] = mapped_column(JSON, default=dict)


class ClusterDecision(TimestampMixin, db.Model):
    """The office's merge or split of specific problems, applied again every month.

    merge: `cluster_id` joins `into`. split: the voices of `cluster_id` closer to `signature` than
    to `rest` form `into`.
    """

    __tablename__ = "problem_cluster_decisions"
    __table_args__ = (CheckConstraint(one_of("kind", DECISION_KINDS), name="kind"),
                      Index("ix_problem_cluster_decisions_hospital", "hospital_id", "theme"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"))
    theme: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(10))
    cluster_id: Mapped[str] = mapped_column(String(40))
    into: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100), default="")
    signature: Mapped[dict] = mapped_column(JSON, default=dict)
    rest: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
