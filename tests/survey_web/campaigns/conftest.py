"""The follow-up tests' world: a hospital with two wards (each with its discharge survey point), a discharge
list on disk, a real local SMS gateway and an app configured for it."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_web import timeutil
from survey_web.campaigns import lifecycle
from survey_web.campaigns.importing import import_file
from survey_web.extensions import db as _db
from survey_web.models import Department, Hospital, SurveyPoint

from ...sms_gateway import KEY, Gateway

HEADER = ["住院号", "姓名", "联系电话", "病区", "出院日期"]


def patients(n: int, *, ward: str = "W1", days_ago: int = 5, start: int = 0) -> list[list[str]]:
    """N discharge-list rows with distinct numbers 1390000xxxx and names 患者xxxx."""
    day = (timeutil.today() - timedelta(days=days_ago)).isoformat()
    return [[f"ZY{100000 + i}", f"患者{i:04d}", f"1390000{i:04d}", ward, day] for i in range(start, start + n)]


def write_list(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.fixture
def gateway():
    with Gateway() as gw:
        yield gw


@pytest.fixture
def fu_app(make_app, gateway):
    return make_app(FOLLOWUP_SMS_URL=gateway.url, FOLLOWUP_SMS_KEY=KEY, FOLLOWUP_SMS_RATE="1000/second",
                    FOLLOWUP_SEND_TIMEOUT=1)


@pytest.fixture
def fu_db(fu_app):
    with fu_app.app_context():
        yield _db


def make_hospital() -> Hospital:
    """A hospital with wards W1 心内科病区 and W2 骨科病区, each with its discharge survey point."""
    hospital = Hospital(code="FU", name="随访市人民医院")
    for code, name in (("W1", "心内科病区"), ("W2", "骨科病区")):
        department = Department(hospital=hospital, code=code, name=name, kind="inpatient")
        _db.session.add(SurveyPoint(department=department, code=f"{code}-OUT", name="出院随访", bank_code="discharge"))
    _db.session.add(hospital)
    _db.session.commit()
    return hospital


@pytest.fixture
def hospital(fu_db) -> Hospital:
    return make_hospital()


@pytest.fixture
def campaign(hospital):
    return lifecycle.create(hospital, "2026年12月出院随访", reminder_days=7, retention_days=30)


def imported(campaign, tmp_path: Path, rows: list[list[str]]):
    return import_file(campaign, write_list(tmp_path / "discharge.csv", rows))


def every_stored_value() -> list:
    """Every value of every row of every table, as stored (for proving something is not there)."""
    values = []
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(select(table)).all():
            values.extend(row)
    return values


def contains_anywhere(needle: str, *, decrypting: bool = True) -> bool:
    """Whether NEEDLE occurs in any stored text or bytes (plain, or readable with the contact keys)."""
    from survey_web.crypto import decrypt_contact

    for value in every_stored_value():
        if isinstance(value, str) and needle in value:
            return True
        if isinstance(value, bytes | memoryview):
            raw = bytes(value)
            if needle.encode() in raw or (decrypting and needle in (decrypt_contact(raw) or "")):
                return True
    return False


def ward_ids() -> dict[str, int]:
    return dict(_db.session.execute(select(Department.code, Department.id)).all())

