"""The organisation: hospital -> department -> survey point (where a QR code hangs)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, utcnow

DEPARTMENT_KINDS = ("outpatient", "inpatient", "emergency", "pharmacy", "medtech", "support")


def new_token() -> str:
    """An unguessable URL token: 128 random bits, URL-safe, 22 characters."""
    return secrets.token_urlsafe(16)


class Hospital(TimestampMixin, db.Model):
    __tablename__ = "hospitals"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    departments: Mapped[list[Department]] = relationship(back_populates="hospital", order_by="Department.code")


class Department(TimestampMixin, db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("hospital_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))

    hospital: Mapped[Hospital] = relationship(back_populates="departments")
    points: Mapped[list[SurveyPoint]] = relationship(back_populates="department", order_by="SurveyPoint.code")


class SurveyPoint(TimestampMixin, db.Model):
    """A place with a QR code. The token stays the same across reprints until it is revoked."""

    __tablename__ = "survey_points"
    __table_args__ = (UniqueConstraint("department_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    bank_code: Mapped[str] = mapped_column(String(40))
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    token_issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department: Mapped[Department] = relationship(back_populates="points")

    def reissue_token(self) -> str:
        """Revoke the current token (old printed codes stop working) and issue a new one."""
        self.token = new_token()
        self.token_issued_at = utcnow()
        return self.token
