"""大字版 on the respondent survey: one tap, remembered per device, plain wording, faces and numbers."""

from __future__ import annotations

import re

from question_banks import scale_levels
from survey_web.banks import current

from ...factories import make_point


def test_large_text_link_is_on_every_survey_page_and_remembered(app, db, client):
    """?big=1 turns 大字版 on and sets a cookie, so the next page (and visit) is large; ?big=0 turns it off."""
    point = make_point()
    plain = client.get(f"/s/{point.token}").get_data(as_text=True)
    assert 'class="big"' not in plain and 'formaction="?big=1"' in plain and "大字版" in plain
    reply = client.get(f"/s/{point.token}?big=1")
    assert '<html lang="zh-CN" class="big">' in reply.get_data(as_text=True)
    assert "big=1" in reply.headers["Set-Cookie"] and "HttpOnly" not in reply.headers["Set-Cookie"]
    assert 'class="big"' in client.get(f"/s/{point.token}/thanks").get_data(as_text=True)
    client.get(f"/s/{point.token}?big=0")
    assert 'class="big"' not in client.get(f"/s/{point.token}").get_data(as_text=True)


def test_plain_wording_faces_and_numbers_are_on_the_page(app, db, client):
    """Every question with plain wording carries it; every scale answer has a face, a short word and its score."""
    point = make_point("outpatient")
    html = client.get(f"/s/{point.token}").get_data(as_text=True)
    bank = current("outpatient")
    for question in bank.questions:
        if question.plain:
            assert f'<span class="plain">{question.plain["zh-CN"]}</span>' in html, question.code
    for level in scale_levels(na=True):
        assert f'<span class="face" aria-hidden="true">{level.face}</span>' in html
        assert f'<span class="lbl plain">{level.short["zh-CN"]}</span>' in html
    assert re.search(r'<span class="num" aria-hidden="true">5</span>', html)


def test_most_questions_have_plain_wording_for_the_elderly(app):
    """Each bank offers simpler wording for the long questions (more than 20 characters in Chinese)."""
    with app.app_context():
        from survey_web.banks import all_current

        for bank in all_current().values():
            hard = [q.code for q in bank.questions if len(q.text["zh-CN"]) > 20 and not q.plain]
            assert hard == [], (bank.code, hard)
