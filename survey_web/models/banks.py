"""Stored question-bank versions: a response points at the exact wording it answered."""

from __future__ import annotations

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TimestampMixin


class BankVersion(TimestampMixin, db.Model):
    """One immutable snapshot of a bank; a new row appears whenever the YAML's content changes."""

    __tablename__ = "bank_versions"
    __table_args__ = (UniqueConstraint("code", "version"), UniqueConstraint("code", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[dict] = mapped_column(JSON)
