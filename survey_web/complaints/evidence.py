"""Complaints as evidence for the monthly problem list (整改问题清单).

`problem_evidence(hospital_id, month)` gives one entry per complaint, negative theme and department
concerned, for complaints received in MONTH at the hospital. A complaint the classifier found no
negative theme in still gives one entry (theme None), so a serious one is never lost. 回访 cases opened
by rule from a low survey score are not complaints (their response already counts as survey evidence);
a case opened from an urgent comment names that comment in `comment_id`, so the problem list can count
the comment and the case once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.deidentify import excerpt

from ..extensions import db
from ..models import ComplaintCase, HotlineOrder
from ..models.complaints import CaseKind
from ..timeutil import as_utc, month_window
from .classify import effective_themes

TEXT_LIMIT = 200


def problem_evidence(hospital_id: int, month: str) -> list[dict]:
    """Entries {kind, ref_id, theme, department_id, text, at, serious, number, comment_id} for MONTH ('YYYY-MM').

    `text` is de-identified (names, phone and ID numbers masked) and cut to 200 characters; `serious` is
    true for a complaint the classifier flagged urgent or the office marked serious.
    """
    start, end = month_window(month)
    found = db.session.scalars(
        select(ComplaintCase).options(selectinload(ComplaintCase.departments), selectinload(ComplaintCase.themes))
        .where(ComplaintCase.hospital_id == hospital_id, ComplaintCase.kind == CaseKind.COMPLAINT,
               ComplaintCase.id.not_in(select(HotlineOrder.case_id)),  # hotline/evidence.py counts those
               ComplaintCase.received_at >= start, ComplaintCase.received_at < end)
        .order_by(ComplaintCase.received_at, ComplaintCase.id))
    entries = []
    for case in found:
        themes = sorted(code for code, polarity in effective_themes(case).items() if polarity == "neg") or [None]
        departments = [d.id for d in case.departments] or [None]
        at: datetime = as_utc(case.received_at)
        text = excerpt(case.text, TEXT_LIMIT)
        for theme in themes:
            for department_id in departments:
                entries.append({"kind": "complaint", "ref_id": case.id, "theme": theme,
                                "department_id": department_id, "text": text, "at": at,
                                "serious": bool(case.serious or case.urgent), "number": case.number,
                                "comment_id": case.comment_id})
    return entries
