"""Findings as evidence for the monthly problem list (the `problems` domain consumes the dicts)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.deidentify import deidentify
from analysis.problem_list import parse_month, shift_month

from ..extensions import db
from ..models import Finding
from ..timeutil import zone


def problem_evidence(hospital_id: int, month: str) -> list[dict]:
    """HOSPITAL_ID's findings of MONTH ('YYYY-MM'), one dict per theme (a finding without a theme gives
    one with theme None): kind "finding", ref_id, theme, department_id, text (de-identified), at (the
    day's start at the hospital, UTC-aware), serious."""
    start, end = parse_month(month), parse_month(shift_month(month, 1))
    findings = db.session.scalars(
        select(Finding).options(selectinload(Finding.themes))
        .where(Finding.hospital_id == hospital_id, Finding.found_on >= start, Finding.found_on < end)
        .order_by(Finding.found_on, Finding.id))
    evidence = []
    for finding in findings:
        at = datetime.combine(finding.found_on, time(), tzinfo=zone())
        text = deidentify(finding.text)
        for theme in finding.theme_codes or [None]:
            evidence.append({"kind": "finding", "ref_id": finding.id, "theme": theme,
                             "department_id": finding.department_id, "text": text, "at": at,
                             "serious": finding.serious})
    return evidence
