"""Complainants' personal data: removed after the retention period, and with a respondent's erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_web.complaints import cases
from survey_web.complaints.intake import open_revisit_cases
from survey_web.complaints.privacy import ERASED_TEXT
from survey_web.extensions import db as _db
from survey_web.models import ComplaintCase, Response, utcnow
from survey_web.privacy.retention import purge
from survey_web.privacy.rights import erase

from .world import add_case, add_response, complaint_world


@pytest.fixture
def world(app, db):
    return complaint_world()


def test_name_and_phone_go_after_the_retention_period_of_a_closed_case(app, world):
    """RETENTION_CONTACT_DAYS after closing the case loses name and number; the words and the open case stay."""
    office = world.users["tsb"]
    closed = add_case(world, world.card)
    cases.reply(closed, "已答复", by=office)
    cases.record_outcome(closed, "已整改", by=office)
    cases.close(closed, by=office, at=utcnow() - timedelta(days=app.config["RETENTION_CONTACT_DAYS"] + 1))
    still_open = add_case(world, world.orth, received_at=utcnow() - timedelta(days=400))
    _db.session.commit()
    assert purge()["case_contacts"] == 1
    _db.session.expire_all()
    gone, kept = _db.session.get(ComplaintCase, closed.id), _db.session.get(ComplaintCase, still_open.id)
    assert gone.contact_encrypted is None and gone.complainant_encrypted is None and gone.text
    assert kept.contact_encrypted is not None
    assert purge()["case_contacts"] == 0


def test_erasing_a_survey_response_removes_its_words_and_contact_from_the_revisit_case(app, world):
    """A 回访 case copied the respondent's comment and number; their erasure takes both and the link."""
    response = add_response(world.card_point, utcnow() - timedelta(hours=2), scores={"overall": 1},
                            comment="我是王小明，护士很凶", contact="13900002222")
    [case_id] = open_revisit_cases()
    _db.session.commit()
    erase(_db.session.get(Response, response.id))
    case = _db.session.scalar(select(ComplaintCase).where(ComplaintCase.id == case_id))
    assert case.text == ERASED_TEXT and case.contact_encrypted is None and case.response_id is None
    assert case.events[-1].kind == "note" and case.events[-1].details == {"erased": "respondent"}
