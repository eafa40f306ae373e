"""Importing the discharge list (CSV or XLSX from the HIS) into a campaign's invitations.

The column mapping is a small config (YAML or JSON): which header holds each field, e.g.
`{admission_no: 住院号, name: 姓名, phone: 联系电话, ward: 病区, discharged_on: 出院日期, email: 电子邮箱}`.
Without one the usual Chinese and English headers are recognised. A row is refused with its row number and
a reason, never with its contents (they are patient data). A re-import of the same list adds nothing: the
住院号 is matched through its keyed hash.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import timeutil
from ..extensions import db
from ..models import Campaign, Department, FollowupWard, Invitation, Message, OptOut, SurveyPoint, utcnow
from ..models.campaigns import ChannelName, MessageKind, MessageState
from . import contacts

FIELDS = ("admission_no", "name", "phone", "ward", "discharged_on", "email")
REQUIRED = ("admission_no", "ward", "discharged_on")
DEFAULT_HEADERS = {
    "admission_no": ("住院号", "住院號", "admission_no", "admission number"),
    "name": ("姓名", "患者姓名", "name"),
    "phone": ("联系电话", "手机号", "手机", "电话", "phone", "mobile"),
    "ward": ("病区", "科室", "出院科室", "病區", "ward"),
    "discharged_on": ("出院日期", "出院时间", "discharge date", "discharged_on"),
    "email": ("电子邮箱", "邮箱", "email", "e-mail"),
}
DEFAULT_DELAY_DAYS = 3
SEND_HOUR = 10  # invitations go out at 10:00 hospital time, never at night
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")


class BadImport(ValueError):
    """The file as a whole cannot be read (no such column, not CSV or XLSX)."""


@dataclass
class ImportReport:
    created: int = 0
    duplicates: int = 0
    opted_out: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason code)

    def as_dict(self) -> dict:
        return {"created": self.created, "duplicates": self.duplicates, "opted_out": self.opted_out,
                "by_channel": self.by_channel, "refused": [{"row": r, "reason": why} for r, why in self.refused]}


def load_mapping(path: Path | None) -> dict[str, tuple[str, ...]]:
    """FIELD -> accepted headers: the defaults, with the config file's choices first."""
    mapping = {name: tuple(headers) for name, headers in DEFAULT_HEADERS.items()}
    if path is None:
        return mapping
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(config) - set(FIELDS)
    if unknown:
        raise BadImport(f"unknown fields in the column mapping: {', '.join(sorted(unknown))}")
    for name, header in config.items():
        mapping[name] = (str(header),)
    return mapping


def read_rows(data: bytes, filename: str) -> list[list]:
    """The sheet's rows (header first) from CSV (UTF-8 or GB18030, as HIS exports often are) or XLSX."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadImport("the CSV file is neither UTF-8 nor GB18030")
    return list(csv.reader(io.StringIO(text)))


def _columns(header: list, mapping: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [str(h or "").strip().lower() for h in header]
    found = {}
    for name, headers in mapping.items():
        for candidate in headers:
            if candidate.strip().lower() in names:
                found[name] = names.index(candidate.strip().lower())
                break
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise BadImport(f"columns not found: {', '.join(missing)}")
    if "phone" not in found and "email" not in found:
        found.setdefault("phone", -1)
    return found


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def records(rows: list[list], mapping: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, dict]]:
    """(row number as the office sees it, {field: text}) for each non-empty data row."""
    if not rows:
        raise BadImport("the file is empty")
    columns = _columns(rows[0], mapping)
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(cell or "").strip() for cell in row):
            continue
        values = {}
        for name, index in columns.items():
            cell = row[index] if 0 <= index < len(row) else None
            values[name] = cell if name == "discharged_on" else str(cell if cell is not None else "").strip()
        yield number, values


def ward_lookup(hospital_id: int) -> dict[str, tuple[int, int]]:
    """Ward code or name -> (department id, the discharge survey point its patients answer).

    A ward with a discharge point of its own uses it; the others use the hospital's first one (a central
    follow-up office, 随访中心, such as the demo's 患者服务中心). A hospital without any cannot invite.
    """
    points = db.session.execute(
        select(SurveyPoint.department_id, SurveyPoint.id).join(Department)
        .where(Department.hospital_id == hospital_id, SurveyPoint.bank_code == "discharge",
               SurveyPoint.active.is_(True)).order_by(SurveyPoint.id)).all()
    if not points:
        return {}
    own: dict[int, int] = {}
    for department_id, point_id in points:
        own.setdefault(department_id, point_id)
    found: dict[str, tuple[int, int]] = {}
    for department_id, code, name in db.session.execute(
            select(Department.id, Department.code, Department.name).where(Department.hospital_id == hospital_id)):
        ward = (department_id, own.get(department_id, points[0][1]))
        found.setdefault(code.lower(), ward)
        found.setdefault(name.lower(), ward)
    return found


def invite_due(discharged_on: date, delay_days: int) -> datetime:
    day = discharged_on + timedelta(days=delay_days)
    return datetime.combine(day, time(SEND_HOUR), tzinfo=timeutil.zone()).astimezone(UTC)


def import_rows(campaign: Campaign, rows: Iterable[tuple[int, dict]]) -> ImportReport:
    """Add an invitation (and its invite message) per new patient in ROWS; commits once at the end."""
    report = ImportReport()
    wards = ward_lookup(campaign.hospital_id)
    delays = dict(db.session.execute(select(FollowupWard.department_id, FollowupWard.delay_days)).all())
    known = set(db.session.scalars(select(Invitation.admission_hash).where(Invitation.campaign_id == campaign.id)))
    opted_out = set(db.session.scalars(select(OptOut.contact_hash)))
    hospital_code = campaign.hospital.code
    for number, row in rows:
        admission = row.get("admission_no", "")
        ward = wards.get(str(row.get("ward", "")).lower())
        day = parse_date(row.get("discharged_on"))
        if not admission:
            report.refused.append((number, "no_admission_no"))
            continue
        if ward is None:
            report.refused.append((number, "unknown_ward"))
            continue
        if day is None:
            report.refused.append((number, "bad_date"))
            continue
        hashed = contacts.admission_hash(hospital_code, admission)
        if hashed in known:
            report.duplicates += 1
            continue
        known.add(hashed)
        phone = contacts.normal_phone(row.get("phone", ""))
        email = contacts.normal_email(row.get("email", ""))
        channel = ChannelName.SMS if phone else ChannelName.EMAIL if email else ChannelName.LETTER
        if channel == ChannelName.LETTER and (row.get("phone") or row.get("email")):
            report.refused.append((number, "bad_contact_letter"))  # still invited, by letter; the office may fix it
        stopped = any(c and contacts.contact_hash(c) in opted_out for c in (phone, email))
        invitation = Invitation(
            campaign_id=campaign.id, department_id=ward[0], point_id=ward[1], channel=channel.value,
            discharged_on=day, admission_hash=hashed, name_encrypted=contacts.seal(row.get("name") or None),
            phone_encrypted=contacts.seal(phone), email_encrypted=contacts.seal(email),
            opted_out_at=utcnow() if stopped else None)
        db.session.add(invitation)
        if stopped:
            report.opted_out += 1
        else:
            db.session.add(Message(invitation=invitation, kind=MessageKind.INVITE.value, channel=channel.value,
                                   state=MessageState.PENDING.value,
                                   due_at=invite_due(day, delays.get(ward[0], DEFAULT_DELAY_DAYS))))
        report.created += 1
        report.by_channel[channel.value] = report.by_channel.get(channel.value, 0) + 1
    try:
        db.session.commit()
    except IntegrityError:
        # Another import of the same list committed first: nothing of this one is kept; running it again
        # adds exactly what is still missing.
        db.session.rollback()
        raise
    return report


def import_file(campaign: Campaign, path: Path, mapping_path: Path | None = None) -> ImportReport:
    rows = read_rows(path.read_bytes(), path.name)
    return import_rows(campaign, records(rows, load_mapping(mapping_path)))
