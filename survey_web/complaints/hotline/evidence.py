"""Hotline work orders as evidence for the monthly problem list (the `problems` domain consumes the dicts).

An imported order is a complaint case, so `complaints.evidence` leaves the cases with a work order to this
module: each order counts once, as kind "hotline" (a 12345 complaint registered by hand stays a complaint).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.deidentify import excerpt

from ...extensions import db
from ...models import ComplaintCase, HotlineOrder
from ...timeutil import as_utc, month_window
from ..classify import effective_themes

TEXT_LIMIT = 200


def problem_evidence(hospital_id: int, month: str) -> list[dict]:
    """HOSPITAL_ID's work orders called in MONTH ('YYYY-MM'): one dict per negative theme and department
    of the order's case (theme None before classification or when none is negative, department None for
    the hospital as a whole): kind "hotline", ref_id (the case's id), theme, department_id, text
    (de-identified, at most 200 characters), at (the call, UTC), serious (urgent or marked serious),
    and for display number (the case's) and order_no."""
    start, end = month_window(month)
    orders = db.session.scalars(
        select(HotlineOrder).options(selectinload(HotlineOrder.case).selectinload(ComplaintCase.departments),
                                     selectinload(HotlineOrder.case).selectinload(ComplaintCase.themes))
        .where(HotlineOrder.hospital_id == hospital_id, HotlineOrder.called_at >= start,
               HotlineOrder.called_at < end)
        .order_by(HotlineOrder.called_at, HotlineOrder.id))
    entries = []
    for order in orders:
        case = order.case
        themes = sorted(code for code, polarity in effective_themes(case).items() if polarity == "neg") or [None]
        text = excerpt(case.text, TEXT_LIMIT)
        for theme in themes:
            for department_id in [d.id for d in case.departments] or [None]:
                entries.append({"kind": "hotline", "ref_id": case.id, "theme": theme, "department_id": department_id,
                                "text": text, "at": as_utc(order.called_at), "serious": bool(case.serious or case.urgent),
                                "number": case.number, "order_no": order.order_no})
    return entries
