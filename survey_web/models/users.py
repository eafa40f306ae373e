"""Staff accounts and their roles; patients never have accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Table,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..config import STAFF_ROLES
from ..extensions import db
from .base import TimestampMixin, one_of

ROLES = STAFF_ROLES
ROLE_NAMES = {"admin": "系统管理员", "quality": "质控办", "dept_head": "科室负责人", "volunteer": "志愿者",
              "commission": "卫健委", "complaints": "投诉办"}

# Which hospitals a health-commission account oversees (a 医联体 or a city).
user_hospitals = Table(
    "user_hospitals", db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("hospital_id", ForeignKey("hospitals.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    hospital_id: Mapped[int | None] = mapped_column(ForeignKey("hospitals.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changing it logs the user out everywhere (Flask-Login's alternative id).
    session_version: Mapped[int] = mapped_column(default=1)
    # TOTP second factor: the secret, Fernet-encrypted with the contact keys; the last time step accepted
    # (a code is good once, so a code read over a shoulder cannot be replayed).
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    hospital = relationship("Hospital")
    department = relationship("Department")
    hospitals = relationship("Hospital", secondary=user_hospitals)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)
