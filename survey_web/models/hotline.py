"""12345/12320 hotline work orders: each import of a platform file, and each order with its own deadline.

An order is a complaint case (channel 12345 or 12320, `external_ref` = the order number) plus what only
the platform has: its call time, its deadline (办理时限) beside the case's legal one, and its columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class HotlineImport(db.Model):
    """One file imported (or refused): its counts and the per-row report (no personal data in it)."""

    __tablename__ = "hotline_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    platform: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    already: Mapped[int] = mapped_column(Integer, default=0)
    bad: Mapped[int] = mapped_column(Integer, default=0)
    # {"file": code or None, "params": {...}, "problems": [[row, column, code, value, other_row], ...]}
    report: Mapped[dict] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")


class HotlineOrder(db.Model):
    __tablename__ = "hotline_orders"
    __table_args__ = (
        UniqueConstraint("hospital_id", "order_no"),
        Index("ix_hotline_orders_hospital_due", "hospital_id", "platform_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_cases.id", ondelete="CASCADE"), unique=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("hotline_imports.id", ondelete="SET NULL"), index=True)
    platform: Mapped[str] = mapped_column(String(40))  # the format's name (formats/*.yaml)
    order_no: Mapped[str] = mapped_column(String(64))
    called_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    platform_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # 办理时限
    order_type: Mapped[str | None] = mapped_column(String(30))
    department_text: Mapped[str | None] = mapped_column(String(100))  # as the platform wrote it
    reply_exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    case = relationship("ComplaintCase")
    hotline_import = relationship("HotlineImport")
