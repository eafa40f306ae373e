"""Findings from other sources of problems: forums, supervisors and staff walking the patient journey."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, one_of


class FindingSource(StrEnum):
    """Where a finding was heard; the values are what `findings.source` stores."""

    FORUM = "forum"  # 患者/家属座谈会
    DEPUTIES = "deputies"  # 两代表一委员 (people's congress deputies, party congress, CPPCC members)
    SUPERVISOR = "supervisor"  # 行风监督员 (outside supervisors of professional conduct)
    WALKTHROUGH = "walkthrough"  # 就医流程体验 (staff walking the patient journey)


class Finding(TimestampMixin, db.Model):
    """A short record of one problem heard outside the survey and the complaint channels."""

    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(one_of("source", FindingSource), name="source"),
        Index("ix_findings_hospital_found_on", "hospital_id", "found_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"))
    source: Mapped[str] = mapped_column(String(12))
    found_on: Mapped[date] = mapped_column(Date)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    hospital = relationship("Hospital")
    department = relationship("Department")
    recorded_by = relationship("User")
    themes: Mapped[list[FindingTheme]] = relationship(back_populates="finding", cascade="all, delete-orphan",
                                                      order_by="FindingTheme.theme")

    @property
    def theme_codes(self) -> list[str]:
        return [t.theme for t in self.themes]


class FindingTheme(db.Model):
    """One theme of a finding (chosen by staff from the taxonomy), in rows so counts by theme are plain SQL."""

    __tablename__ = "finding_themes"
    __table_args__ = (UniqueConstraint("finding_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(24), index=True)

    finding: Mapped[Finding] = relationship(back_populates="themes")
