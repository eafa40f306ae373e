"""Recording and listing findings (plain functions over the session)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from analysis.taxonomy import THEMES

from .. import audit
from ..extensions import db
from ..models import Department, Finding, FindingTheme
from ..models.findings import FindingSource

TEXT_MAX = 1000


@dataclass(frozen=True)
class NewFinding:
    """What a member of staff enters: source, date, department (optional), themes, text, serious."""

    source: str
    found_on: date
    department_id: int | None
    themes: tuple[str, ...]
    text: str
    serious: bool = False


def record(hospital_id: int, entry: NewFinding, user_id: int | None = None) -> Finding:
    """Add ENTRY to HOSPITAL_ID's findings (and the audit log) in the caller's transaction.

    Raises ValueError for a source, theme or department the system does not know: the form offers
    only known ones, so that is a programming error, not a user's."""
    if entry.source not in set(FindingSource):
        raise ValueError(f"unknown finding source {entry.source!r}")
    unknown = [code for code in entry.themes if code not in THEMES]
    if unknown:
        raise ValueError(f"unknown themes {unknown}")
    if entry.department_id is not None and db.session.scalar(select(Department.hospital_id).where(
            Department.id == entry.department_id)) != hospital_id:
        raise ValueError("the department is not one of the hospital's")
    finding = Finding(hospital_id=hospital_id, source=entry.source, found_on=entry.found_on,
                      department_id=entry.department_id, text=entry.text.strip()[:TEXT_MAX],
                      serious=entry.serious, recorded_by_id=user_id,
                      themes=[FindingTheme(theme=code) for code in dict.fromkeys(entry.themes)])
    db.session.add(finding)
    db.session.flush()
    audit.record("create", "finding", finding.id, after={
        "source": entry.source, "found_on": entry.found_on.isoformat(), "department_id": entry.department_id,
        "themes": list(dict.fromkeys(entry.themes)), "serious": entry.serious}, user_id=user_id)
    return finding


def listing(hospital_ids: Iterable[int] | None, department_ids: Iterable[int] | None = None,
            source: str | None = None) -> Select:
    """SELECT of findings, newest first, limited to HOSPITAL_IDS and DEPARTMENT_IDS (None: no limit)."""
    query = select(Finding).options(selectinload(Finding.themes), selectinload(Finding.department)) \
        .order_by(Finding.found_on.desc(), Finding.id.desc())
    if hospital_ids is not None:
        query = query.where(Finding.hospital_id.in_(list(hospital_ids) or [-1]))
    if department_ids is not None:
        query = query.where(Finding.department_id.in_(list(department_ids) or [-1]))
    if source:
        query = query.where(Finding.source == source)
    return query
