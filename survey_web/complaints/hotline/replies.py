"""Replies back to the platform, in the columns of its own export plus its reply columns (办理结果, 答复内容 ...).

The caller's name and number are masked: the platform matches by 工单编号 and has them already; the file
leaves the hospital. Every text cell is defused against formula injection (`exports.cells`, `never_formulas`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...crypto import decrypt_contact, mask_phone
from ...exports import cells, never_formulas, to_csv, xlsx_bytes
from ...extensions import db
from ...models import ComplaintCase, HotlineOrder, utcnow
from ...models.complaints import CaseEvent, EventKind
from ...timeutil import local
from .formats import FIELDS, HotlineFormat
from .samples import headings


def mask_name(name: str | None) -> str:
    """'张先生' -> '张**' (the surname stays: the platform's own records show it)."""
    return (name[0] + "*" * (len(name) - 1)) if name else ""


def replied_orders(hospital_id: int, fmt: HotlineFormat, include_exported: bool = False) -> list[HotlineOrder]:
    """HOSPITAL_ID's orders of FMT whose complainant has had a reply, oldest call first (by default only
    those not exported yet)."""
    query = select(HotlineOrder).join(ComplaintCase, ComplaintCase.id == HotlineOrder.case_id).options(
        selectinload(HotlineOrder.case).selectinload(ComplaintCase.events).selectinload(CaseEvent.user)).where(
        HotlineOrder.hospital_id == hospital_id, HotlineOrder.platform == fmt.name,
        ComplaintCase.first_reply_at.is_not(None)).order_by(HotlineOrder.called_at, HotlineOrder.id)
    if not include_exported:
        query = query.where(HotlineOrder.reply_exported_at.is_(None))
    return list(db.session.scalars(query))


def _row(fmt: HotlineFormat, order: HotlineOrder) -> list:
    case = order.case
    reply = [e for e in case.events if e.kind == EventKind.REPLY.value][-1]
    caller = decrypt_contact(case.complainant_encrypted) if case.complainant_encrypted else None
    phone = decrypt_contact(case.contact_encrypted) if case.contact_encrypted else None
    values = {"order_no": order.order_no, "called_at": local(order.called_at).strftime("%Y-%m-%d %H:%M:%S"),
              "text": case.text, "due_at": local(order.platform_due_at).strftime("%Y-%m-%d %H:%M:%S"),
              "caller": mask_name(caller), "phone": mask_phone(phone) if phone else "",
              "department": order.department_text or "", "order_type": order.order_type or ""}
    answers = {"outcome": case.outcome or "", "reply": reply.note or "",
               "replied_at": local(reply.at).strftime("%Y-%m-%d %H:%M:%S"),
               "handler": reply.user.display_name if reply.user else ""}
    return [values[f] for f in FIELDS if f in fmt.columns] + [answers[f] for f in fmt.reply]


def reply_headings(fmt: HotlineFormat) -> list[str]:
    return headings(fmt) + list(fmt.reply.values())


def export(fmt: HotlineFormat, orders: Sequence[HotlineOrder], kind: str = "xlsx") -> bytes:
    """ORDERS with their replies as FMT's file (KIND "xlsx" or "csv"); marks them exported (caller commits)."""
    rows = [_row(fmt, order) for order in orders]
    now = utcnow()
    for order in orders:
        order.reply_exported_at = now
    if kind == "csv":
        return to_csv(reply_headings(fmt), rows)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "办理回复"
    sheet.append(reply_headings(fmt))  # header in row 1: platforms read the upload from the top
    for row in rows:
        sheet.append(cells(row))
        never_formulas(sheet[sheet.max_row])
    return xlsx_bytes(book)
