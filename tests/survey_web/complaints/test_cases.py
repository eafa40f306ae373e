"""The case service: intake with encrypted contact, 首诉负责制 ownership, the audited timeline, closing rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey_web.complaints import cases
from survey_web.crypto import decrypt_contact
from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, User

from ...world import make_world


@pytest.fixture
def world(db):
    return make_world()


def _office(world) -> User:
    user = User(username="tsb", display_name="投诉办王老师", role="complaints", password_hash="x",
                hospital=world.h1)
    _db.session.add(user)
    _db.session.commit()
    return user


def test_a_case_belongs_to_its_first_receiver_and_its_contact_is_encrypted(world):
    """The receiver owns the case; name and phone are stored encrypted; the deadline is set."""
    office = _office(world)
    case = cases.open_case(hospital_id=world.h1.id, channel="phone", text="挂号排队两个小时没人管",
                           received_by=office, departments=[world.card], complainant="张三",
                           contact="13812345678", contact_consent=True,
                           received_at=datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    _db.session.commit()
    assert case.owner_id == office.id and case.number == "TS2026-0001"
    assert b"1381234" not in case.contact_encrypted and decrypt_contact(case.contact_encrypted) == "13812345678"
    assert decrypt_contact(case.complainant_encrypted) == "张三"
    assert case.due_on.isoformat() == "2026-10-13" and case.deadline_days == 5
    assert [e.kind for e in case.events] == ["received"]


def test_contact_without_consent_is_not_stored(world):
    """A phone number given without consent is dropped, not kept."""
    case = cases.open_case(hospital_id=world.h1.id, channel="onsite", text="态度差", received_by=None,
                           contact="13812345678", contact_consent=False)
    _db.session.commit()
    assert case.contact_encrypted is None and case.contact_consent is False


def test_hand_over_reply_call_back_outcome_close_are_all_on_the_timeline_and_audited(world):
    """The whole flow appends one event per step and one audit row per step; the new owner holds the case."""
    office = _office(world)
    head = world.users["card"]
    case = cases.open_case(hospital_id=world.h1.id, channel="letter", text="护士操作粗暴", received_by=office,
                           departments=[world.card, world.orth])
    assert case.deadline_days == 10  # two departments
    cases.hand_over(case, head, by=office, note="请心内科核实")
    assert case.owner_id == head.id
    with pytest.raises(cases.CaseError):
        cases.close(case, by=head)  # no reply yet
    cases.reply(case, "已电话致歉并说明处理意见", by=head)
    assert case.status == "replied" and cases.on_time(case) is True
    cases.record_outcome(case, "科室内通报，护士再培训", by=head)
    cases.call_back(case, "satisfied", by=office)
    cases.close(case, by=office)
    _db.session.commit()
    assert [e.kind for e in case.events] == ["received", "handover", "reply", "outcome", "callback", "closed"]
    actions = _db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "complaint_case")).all()
    assert sorted(actions) == sorted(f"complaint_{k}" for k in
                                     ("received", "handover", "reply", "outcome", "callback", "closed"))
    with pytest.raises(cases.CaseError):
        cases.reply(case, "again", by=office)


def test_numbers_run_per_hospital_and_year(world):
    """TS<year>-0001, -0002 in one hospital; the other hospital starts again at 0001."""
    numbers = [cases.open_case(hospital_id=h.id, channel="online", text="t", received_by=None).number
               for h in (world.h1, world.h1, world.h2)]
    _db.session.commit()
    year = numbers[0][2:6]
    assert numbers == [f"TS{year}-0001", f"TS{year}-0002", f"TS{year}-0001"]


def test_a_register_number_taken_in_the_meantime_is_skipped(world, monkeypatch):
    """Two intakes read the same last number: the second insert takes the next free one instead of failing."""
    first = cases.open_case(hospital_id=world.h1.id, channel="phone", text="a", received_by=None)
    _db.session.commit()
    real = cases.next_number
    stale = iter([first.number])
    monkeypatch.setattr(cases, "next_number", lambda h, y: next(stale, None) or real(h, y))
    second = cases.open_case(hospital_id=world.h1.id, channel="phone", text="b", received_by=None)
    _db.session.commit()
    assert second.number != first.number and second.number.endswith("-0002")


def test_a_duplicate_outside_reference_is_refused(world):
    """external_ref is unique per hospital (hotline order numbers): the conflict is raised, not renumbered."""
    from sqlalchemy.exc import IntegrityError

    cases.open_case(hospital_id=world.h1.id, channel="12345", text="a", received_by=None, external_ref="GD001")
    _db.session.commit()
    with pytest.raises(IntegrityError):
        cases.open_case(hospital_id=world.h1.id, channel="12345", text="b", received_by=None, external_ref="GD001")
    _db.session.rollback()
