"""Importing a platform export: check the whole file, then store every good new order as a complaint case
(with its hotline order row) in the caller's transaction, beside a record of the import and its report.

Bad rows are never stored and a good row is stored whole or not at all: the caller commits once, so a
failure anywhere leaves nothing behind. Order numbers already imported are skipped and counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...crypto import encrypt_contact
from ...extensions import db
from ...models import (
    ComplaintCase,
    Department,
    Hospital,
    HotlineImport,
    HotlineOrder,
    User,
    case_departments,
    utcnow,
)
from ...models.complaints import CaseEvent, CaseKind, CaseStatus, ClassifyStatus, EventKind
from ...timeutil import local
from .. import cases
from ..deadlines import Deadline, deadline_for
from . import formats
from .checking import Checked, Departments, check
from .reading import FileProblem, read

CHUNK = 500  # order numbers per IN (...) when looking for those imported before


@dataclass
class ImportResult:
    record: HotlineImport
    checked: Checked | None  # None when the file as a whole could not be read
    case_ids: list[int]


def _existing(hospital_id: int, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start:start + CHUNK]
        found.update(db.session.scalars(select(HotlineOrder.order_no).where(
            HotlineOrder.hospital_id == hospital_id, HotlineOrder.order_no.in_(chunk))))
        found.update(db.session.scalars(select(ComplaintCase.external_ref).where(
            ComplaintCase.hospital_id == hospital_id, ComplaintCase.external_ref.in_(chunk))))
    return found


def _report(checked: Checked | None, problem: FileProblem | None) -> dict:
    return {"file": problem.code if problem else None, "params": problem.params if problem else {},
            "problems": [[p.row, p.column, p.code, p.value, p.other_row] for p in checked.problems] if checked else []}


def import_file(hospital: Hospital, data: bytes, filename: str, *, format_name: str | None = None,
                user: User | None = None, store: bool = True, now: datetime | None = None) -> ImportResult:
    """Check DATA (a platform export named FILENAME) and, if STORE, add its good new orders as cases.

    Everything goes into the session; the caller commits (or rolls back). FORMAT_NAME picks the column
    mapping, otherwise the header row decides."""
    now = now or utcnow()
    record = HotlineImport(hospital_id=hospital.id, filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(),
                           user_id=user.id if user else None, created_at=now, report={})
    checked, problem, case_ids = None, None, []
    try:
        sheet = read(data, formats.get(format_name) if format_name else None)
    except formats.FormatError:
        problem = FileProblem("unknown_format", name=format_name)
    except FileProblem as exc:
        problem = exc
    else:
        record.platform = sheet.fmt.name
        departments = db.session.execute(select(Department.id, Department.code, Department.name)
                                         .where(Department.hospital_id == hospital.id)).all()
        numbers = sorted({str(cells[sheet.columns["order_no"]]).strip() for _, cells in sheet.rows
                          if len(cells) > sheet.columns["order_no"] and cells[sheet.columns["order_no"]]})
        checked = check(sheet, Departments(hospital.name, departments), _existing(hospital.id, numbers), now)
        if store:
            case_ids = _store(hospital, sheet.fmt, checked, user, record)
        record.rows, record.bad = checked.rows, len(checked.bad_rows)
        record.imported, record.already = len(case_ids), len(checked.already)
    record.report = _report(checked, problem)
    if store:
        db.session.add(record)
        db.session.flush()
        audit.record("hotline_import", "hotline_import", record.id, after={
            "platform": record.platform, "rows": record.rows, "imported": record.imported,
            "already": record.already, "bad": record.bad, "file": record.report["file"]},
            user_id=user.id if user else None)
    return ImportResult(record, checked, case_ids)


def import_and_commit(hospital: Hospital, data: bytes, filename: str, **options) -> ImportResult:
    """`import_file` and commit. Another import (or a case registered at that moment) may take an order
    number or a register number between the check and the commit: the unique constraints refuse it,
    nothing is kept, and the import runs once more against what is stored now."""
    try:
        result = import_file(hospital, data, filename, **options)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        result = import_file(hospital, data, filename, **options)
        db.session.commit()
    return result


def _store(hospital: Hospital, fmt: formats.HotlineFormat, checked: Checked, user: User | None,
           record: HotlineImport) -> list[int]:
    """The good new orders as cases, inserted in bulk rather than through `cases.open_case`: that one
    flushes (and audits) each case on its own, which took 40 s for 5,000 orders. The columns are the
    ones `open_case` sets; the deadline is `deadlines.deadline_for` as in `cases.set_deadline`; the
    import's own audit event stands for its cases, and each case has its `received` timeline event."""
    if not checked.orders:
        return []
    db.session.add(record)
    db.session.flush()
    user_id = user.id if user else None
    serials: dict[int, int] = {}
    deadlines: dict[date, Deadline] = {}
    case_rows = []
    for order in checked.orders:
        day = local(order.called_at).date()
        if day.year not in serials:
            serials[day.year] = int(cases.next_number(hospital.id, day.year).rsplit("-", 1)[1])
        if day not in deadlines:
            deadlines[day] = deadline_for(day, False)
        deadline = deadlines[day]
        case_rows.append({
            "hospital_id": hospital.id, "number": f"TS{day.year}-{serials[day.year]:04d}", "channel": fmt.channel,
            "kind": CaseKind.COMPLAINT.value, "status": CaseStatus.OPEN.value, "text": order.text,
            "received_at": order.called_at, "received_by_id": user_id, "owner_id": user_id,
            "external_ref": order.order_no,
            "complainant_encrypted": encrypt_contact(order.caller) if order.caller else None,
            # The caller gave the number to the hotline so that the hospital replies: consent for handling.
            "contact_encrypted": encrypt_contact(order.phone) if order.phone else None,
            "contact_consent": bool(order.phone), "multi_department": False, "on_the_spot": False,
            "serious": False, "deadline_days": deadline.working_days, "due_on": deadline.due_on,
            "calendar_warning": deadline.warning, "attempts": 0, "urgent": False,
            "classify_status": ClassifyStatus.PENDING.value})
        serials[day.year] += 1
    ids = list(db.session.scalars(insert(ComplaintCase).returning(ComplaintCase.id, sort_by_parameter_order=True),
                                  case_rows))
    db.session.execute(insert(CaseEvent), [
        {"case_id": case_id, "kind": EventKind.RECEIVED.value, "at": order.called_at, "user_id": user_id,
         "details": {"channel": fmt.channel, "due_on": row["due_on"].isoformat(), "hotline_import": record.id}}
        for case_id, order, row in zip(ids, checked.orders, case_rows, strict=True)])
    links = [{"case_id": case_id, "department_id": order.department_id}
             for case_id, order in zip(ids, checked.orders, strict=True) if order.department_id]
    if links:
        db.session.execute(insert(case_departments), links)
    db.session.execute(insert(HotlineOrder), [
        {"hospital_id": hospital.id, "case_id": case_id, "import_id": record.id, "platform": fmt.name,
         "order_no": order.order_no, "called_at": order.called_at, "platform_due_at": order.due_at,
         "order_type": order.order_type, "department_text": order.department_text}
        for case_id, order in zip(ids, checked.orders, strict=True)])
    return ids
