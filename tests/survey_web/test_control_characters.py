"""Control characters on the public forms are dropped: PostgreSQL cannot store a NUL, and a pasted one
made the survey's "busy, try again" page come back for ever."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_web.crypto import decrypt_contact
from survey_web.extensions import db as _db
from survey_web.models import Comment, Response

from ..factories import GOOD_ANSWERS, Respondent, make_point
from .kiosk.helpers import Tablet, make_volunteer

JUNK = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]


@pytest.mark.parametrize("junk", JUNK)
def test_control_characters_in_a_survey_are_dropped(app, db, junk):
    """A NUL or another control character in the comment or the phone number is removed; the response is
    stored with the rest of the text (tab and line breaks kept)."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "q_comment": f"病房{junk}晚上\t很吵\n谢谢{junk}",
                                                 "contact": f"1380013{junk}8000", "contact_consent": "y"})
    assert reply.status_code == 302, reply.status_code
    assert _db.session.scalar(select(Comment.text)) == "病房晚上\t很吵\n谢谢"
    assert decrypt_contact(_db.session.scalar(select(Response.contact_encrypted))) == "13800138000"


def test_a_nul_in_a_kiosk_interview_is_dropped(app, db):
    """An interview sent from a tablet with a NUL in its comment is stored without it."""
    point = make_point("outpatient")
    make_volunteer()
    tablet = Tablet(app)
    assert tablet.sign_in().status_code == 302 and tablet.choose(point).status_code == 303
    reply = tablet.send(tablet.payload({**GOOD_ANSWERS, "q_comment": "药房\x00排队太久"}))
    assert reply.status_code == 201, reply.get_data(as_text=True)
    assert _db.session.scalar(select(Comment.text)) == "药房排队太久"
