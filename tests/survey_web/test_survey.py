"""The respondent's survey: scan, answer, store; and every bad input gets a designed answer."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from survey_web import jobs
from survey_web.crypto import decrypt_contact, mask_phone
from survey_web.extensions import db as _db
from survey_web.models import Answer, BankVersion, Comment, RefusalCount, Response

from ..conftest import hidden_fields
from ..factories import GOOD_ANSWERS, Respondent, make_point


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def refusals(reason: str) -> int:
    return _db.session.scalar(select(func.coalesce(func.sum(RefusalCount.count), 0))
                              .where(RefusalCount.reason == reason))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def checked(html: str, name: str) -> str | None:
    """The value of the checked radio NAME in HTML, if any."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_form_opens_in_chinese_with_role_first(app, db):
    """A scanned code opens the point's survey in zh-CN, asking the respondent's role first."""
    point = make_point()
    page = Respondent(app, point.token).open()
    html = text_of(page)
    assert page.status_code == 200
    assert 'lang="zh-CN"' in html and "门诊患者满意度调查" in html and "内科门诊候诊区" in html
    assert html.index('name="role"') < html.index('name="q_')
    assert "患者本人" in html and "家属或陪护" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_first_page_is_light_and_has_no_external_resources(app, db):
    """The survey page with its CSS and JS stays under 60 KB, and loads nothing from another host."""
    point = make_point("inpatient")
    client = app.test_client()
    html = client.get(f"/s/{point.token}").data
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    total = len(html) + sum(len(client.get(a.decode()).data) for a in assets)
    assert total < 60 * 1024, total
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html)


@pytest.mark.parametrize("lang, expected", [("zh_TW", "門診"), ("en", "Outpatient")])
def test_form_speaks_the_chosen_language(app, db, lang, expected):
    """?lang= switches the survey, its buttons and its messages, and the response records the language."""
    point = make_point()
    respondent = Respondent(app, point.token, lang=lang)
    assert expected in text_of(respondent.open())
    respondent.submit(GOOD_ANSWERS)
    assert _db.session.scalar(select(Response.language)) == lang


def test_unknown_revoked_or_malformed_token_gets_a_friendly_404(app, db, client):
    """No stack trace: an unknown, revoked or malformed token gets a Chinese 'scan again' page."""
    point = make_point()
    old = point.token
    point.reissue_token()
    _db.session.commit()
    for token in (old, "A" * 22, "x", "../../etc/passwd", "%00" * 8, "a" * 200):
        page = client.get(f"/s/{token}")
        assert page.status_code == 404
        assert "二维码或页面无效" in text_of(page)
    assert client.get(f"/s/{point.token}").status_code == 200


def test_reprint_keeps_the_same_url(app, db, client):
    """Until it is revoked, a point's token stays the same, so a reprinted code is the same code."""
    point = make_point()
    token = point.token
    assert len(token) >= 16 and _db.session.get(type(point), point.id).token == token


def test_submission_is_stored_with_everything_it_needs(app, db):
    """One submit stores response, answers and comment in one go, with bank version, role, language and times."""
    point = make_point()
    respondent = Respondent(app, point.token)
    before = time.time()
    reply = respondent.submit(GOOD_ANSWERS)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/s/{point.token}/thanks")
    response = _db.session.scalar(select(Response))
    assert (response.point_id, response.role, response.language, response.mode) == (point.id, "patient", "zh_CN",
                                                                                      "self")
    assert response.started_at.timestamp() <= response.submitted_at.timestamp() + 1
    assert response.submitted_at.timestamp() >= before - 1
    assert _db.session.get(BankVersion, response.bank_version_id).code == "outpatient"
    answers = {a.question_code: (a.score, a.option) for a in _db.session.scalars(select(Answer))}
    assert answers == {"appointment": (4, None), "waiting": (2, None), "doctor_communication": (5, None),
                       "parking": (None, "na"), "overall": (4, None)}
    comment = _db.session.scalar(select(Comment))
    assert comment.text == "医生很专业，但是停车太难了"
    assert not response.contact_consent and response.contact_encrypted is None
    thanks = respondent.client.get(f"/s/{point.token}/thanks")
    assert thanks.status_code == 200 and "感谢" in text_of(thanks)


def test_submission_without_a_comment_stores_only_the_answers(app, db):
    """Answers and no comment: the response and its answers are stored, and no comment row."""
    point = make_point()
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "q_comment"}
    assert Respondent(app, point.token).submit(answers).status_code == 302
    assert (count(Response), count(Answer), count(Comment)) == (1, 5, 0)


def test_submission_on_a_fresh_session_stores_everything_and_leaves_no_autocommit(make_app, db):
    """As in production, the POST starts without a transaction (PostgreSQL then writes in autocommit): every
    row is stored, and the connection goes back to the pool in the usual transactional mode."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0})
    with app.app_context():
        point = make_point()
        respondent = Respondent(app, point.token)
        respondent.open()
        _db.session.remove()
        assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 302
        assert (count(Response), count(Answer), count(Comment)) == (1, 5, 1)
        if _db.engine.dialect.name == "postgresql":
            assert _db.session.connection().connection.driver_connection.autocommit is False


def test_comment_is_classified_in_process_without_redis(app, db):
    """With REDIS_URL unset the classify job runs in this process after the commit."""
    point = make_point()
    Respondent(app, point.token).submit(GOOD_ANSWERS)
    jobs.wait_in_process(app)
    _db.session.expire_all()
    comment = _db.session.scalar(select(Comment))
    assert comment.status == "done"
    assert {t.theme: t.polarity for t in comment.themes}.get("parking") == "neg"


def test_double_tap_or_resent_post_stores_one_response(app, db):
    """The same form sent twice (double tap, browser resend) stores one response."""
    point = make_point()
    respondent = Respondent(app, point.token)
    first = respondent.submit(GOOD_ANSWERS)
    second = respondent.submit(GOOD_ANSWERS, reopen=False)
    assert first.status_code == second.status_code == 302
    assert count(Response) == 1 and count(Comment) == 1


def test_oversized_comment_is_refused_with_its_length_and_nothing_is_lost(app, db):
    """A 2,001-character comment gets a clear message next to it; every answer stays in the form."""
    point = make_point()
    long_text = ("候诊区太挤了。" * 300)[:2001]
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "q_comment": long_text})
    html = text_of(reply)
    assert reply.status_code == 422
    assert "2000 字以内，目前为 2001 字" in html
    assert long_text in html
    assert checked(html, "role") == "patient" and checked(html, "q_waiting") == "2"
    assert count(Response) == 0


def test_comment_of_exactly_the_limit_is_accepted(app, db):
    """2,000 characters is allowed: the limit is not off by one."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "q_comment": "好" * 2000})
    assert reply.status_code == 302 and len(_db.session.scalar(select(Comment.text))) == 2000


def test_empty_survey_is_refused_politely_and_counted(app, db):
    """Submitting without answering anything gets a polite message, and the refusal is counted."""
    point = make_point()
    reply = Respondent(app, point.token).submit({"role": "family"})
    assert reply.status_code == 422 and "请至少回答一题" in text_of(reply)
    assert checked(text_of(reply), "role") == "family"
    assert count(Response) == 0 and refusals("empty") == 1


def test_missing_role_is_shown_next_to_the_question(app, db):
    """Without a role the error appears at the role question and the other answers stay."""
    point = make_point()
    answers = {k: v for k, v in GOOD_ANSWERS.items() if k != "role"}
    html = text_of(Respondent(app, point.token).submit(answers))
    assert re.search(r'id="q-role".*?请选择您是患者本人还是家属', html, re.S)
    assert checked(html, "q_overall") == "4"


def test_forged_scale_value_is_rejected(app, db):
    """A score outside the scale (tampered radio value) is an error, never stored."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "q_overall": "7"})
    assert reply.status_code == 422 and count(Answer) == 0


def test_same_phone_cannot_answer_the_same_point_twice_in_24_hours(app, db):
    """A second survey from the same phone for the same point is refused politely and counted."""
    point = make_point()
    other = make_point(name="外科门诊")
    phone = Respondent(app, point.token)
    assert phone.submit(GOOD_ANSWERS).status_code == 302
    again = phone.submit(GOOD_ANSWERS)
    assert again.status_code == 409 and "已经评价过" in text_of(again)
    assert refusals("duplicate") == 1
    phone.token = other.token
    assert phone.submit(GOOD_ANSWERS).status_code == 302, "another point is a new survey"
    assert count(Response) == 2


def test_honeypot_submission_is_dropped_but_counted(app, db):
    """A bot that fills the hidden field sees a thank-you page; nothing is stored and it is counted."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "website": "http://spam.example"})
    assert reply.status_code == 302 and count(Response) == 0 and refusals("honeypot") == 1


def test_too_fast_submission_is_asked_again_and_then_accepted(make_app, db):
    """Faster than the minimum fill time: answers kept, told nothing is saved; the next tap is accepted at once."""
    app = make_app(MIN_FILL_SECONDS=60)
    with app.app_context():
        point = make_point()
        respondent = Respondent(app, point.token)
        reply = respondent.submit(GOOD_ANSWERS)
        assert reply.status_code == 422 and refusals("too_fast") == 1 and count(Response) == 0
        assert "还没有保存" in text_of(reply) and "确认提交" in text_of(reply)
        assert checked(text_of(reply), "q_overall") == "4", "answers survive the notice"
        respondent.page = reply
        # The second, deliberate tap goes through although the minimum time is far from over.
        assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 302
        assert count(Response) == 1 and refusals("too_fast") == 1


def test_a_fresh_page_is_not_confirmed_by_a_replayed_first_token(make_app, db):
    """Only the page that carried the notice is confirmed: the first page's token is still refused as quick."""
    app = make_app(MIN_FILL_SECONDS=60)
    with app.app_context():
        point = make_point()
        respondent = Respondent(app, point.token)
        first_page = respondent.page = respondent.client.get(f"/s/{point.token}")
        assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 422
        respondent.page = first_page
        assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 422
        assert count(Response) == 0 and refusals("too_fast") == 2


def test_point_rate_limit_keeps_answers_and_counts(make_app, db):
    """Past the per-point limit the respondent is asked to wait, with every answer kept."""
    app = make_app(RATE_LIMIT_POINT="2/minute")
    with app.app_context():
        point = make_point()
        replies = [Respondent(app, point.token).submit(GOOD_ANSWERS) for _ in range(3)]
        assert [r.status_code for r in replies] == [302, 302, 429]
        assert "请稍等一分钟" in text_of(replies[2]) and checked(text_of(replies[2]), "q_overall") == "4"
        assert refusals("rate_limited") == 1


def test_refused_submissions_do_not_use_up_a_points_limit(make_app, db):
    """Empty, tampered, CSRF-less and invalid posts are refused without counting: patients still get through."""
    app = make_app(RATE_LIMIT_POINT="2/minute")
    with app.app_context():
        point = make_point()
        attacker = Respondent(app, point.token)
        for _ in range(10):
            assert attacker.submit({"role": "patient"}).status_code == 422
            assert attacker.submit(GOOD_ANSWERS, form_token="x" * 40).status_code == 400
            assert attacker.submit(GOOD_ANSWERS, csrf_token="").status_code == 400
            assert attacker.submit({**GOOD_ANSWERS, "q_overall": "9"}).status_code == 422
        assert [Respondent(app, point.token).submit(GOOD_ANSWERS).status_code for _ in range(2)] == [302, 302]
        assert refusals("rate_limited") == 0


def test_replayed_form_token_counts_once_and_stores_once(make_app, db):
    """41 replays of one page's tokens (with or without its cookies) store one response and block nobody."""
    app = make_app(RATE_LIMIT_POINT="2/minute")
    with app.app_context():
        point = make_point()
        attacker = Respondent(app, point.token)
        attacker.open()
        data = {**hidden_fields(attacker.page.get_data(as_text=True)), **GOOD_ANSWERS}
        codes = {attacker.client.post(attacker.url, data=data).status_code for _ in range(21)}
        cookieless = app.test_client()
        cookieless.set_cookie("session", attacker.client.get_cookie("session").value)
        codes |= {cookieless.post(attacker.url, data=data).status_code for _ in range(20)}
        assert codes == {302} and count(Response) == 1
        assert Respondent(app, point.token).submit(GOOD_ANSWERS).status_code == 302
        assert count(Response) == 2 and refusals("rate_limited") == 0


def test_shared_ward_wifi_address_is_not_blocked_by_the_per_point_rule(make_app, db):
    """Many phones behind one address at different points pass: the address limit is loose."""
    app = make_app(RATE_LIMIT_POINT="2/minute", RATE_LIMIT_IP="50/minute")
    with app.app_context():
        points = [make_point(name=f"床旁{i}") for i in range(4)]
        codes = [Respondent(app, p.token).submit(GOOD_ANSWERS).status_code for p in points for _ in range(2)]
        assert codes == [302] * 8


def test_tampered_form_token_keeps_answers_and_is_counted(app, db):
    """An altered hidden token is refused with a clear message; the answers come back; nothing stored."""
    point = make_point()
    respondent = Respondent(app, point.token)
    respondent.open()
    reply = respondent.submit(GOOD_ANSWERS, reopen=False, form_token="WyJhIiwxLDEsMSwieCIsInkiXQ.bad.sig")
    html = text_of(reply)
    assert reply.status_code == 400 and "页面已过期或被改动" in html
    assert GOOD_ANSWERS["q_comment"] in html and checked(html, "q_waiting") == "2"
    assert count(Response) == 0 and refusals("tampered") == 1
    # The page it got back carries a fresh token, so a second press succeeds.
    respondent.page = reply
    assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 302


def test_token_from_another_point_is_refused(app, db):
    """A form token signed for point A cannot be replayed against point B."""
    a, b = make_point(), make_point(name="儿科")
    respondent = Respondent(app, a.token)
    respondent.open()
    respondent.token = b.token
    assert respondent.submit(GOOD_ANSWERS, reopen=False).status_code == 400
    assert count(Response) == 0


def test_missing_csrf_token_keeps_answers(app, db):
    """A lost CSRF token (expired session) re-renders the answers with a message, stores nothing."""
    point = make_point()
    reply = Respondent(app, point.token).submit(GOOD_ANSWERS, csrf_token="")
    assert reply.status_code == 400 and "页面已过期" in text_of(reply)
    assert GOOD_ANSWERS["q_comment"] in text_of(reply) and count(Response) == 0


def test_contact_needs_explicit_consent(app, db):
    """A phone number without the consent tick is an error at the contact field; nothing is lost."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "contact": "138 1234 5678"})
    html = text_of(reply)
    assert reply.status_code == 422 and "请勾选同意联系" in html and "138 1234 5678" in html
    assert count(Response) == 0


def test_contact_with_consent_is_encrypted_at_rest_and_masked(app, db):
    """With consent the number is stored encrypted (not readable in the row) and shows masked."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "contact": "138-1234-5678",
                                                 "contact_consent": "y"})
    assert reply.status_code == 302
    response = _db.session.scalar(select(Response))
    assert response.contact_consent is True
    assert b"13812345678" not in response.contact_encrypted
    assert decrypt_contact(response.contact_encrypted) == "13812345678"
    assert mask_phone(decrypt_contact(response.contact_encrypted)) == "138****5678"


def test_invalid_phone_number_is_explained(app, db):
    """Consent with a number that is not a phone number gets a clear message."""
    point = make_point()
    reply = Respondent(app, point.token).submit({**GOOD_ANSWERS, "contact": "12345", "contact_consent": "y"})
    assert reply.status_code == 422 and "格式不对" in text_of(reply)


def test_oversized_request_body_gets_a_designed_page(app, db, client):
    """A body over the request limit gets a Chinese 'too long' page (413), not a crash."""
    point = make_point()
    reply = client.post(f"/s/{point.token}", data={"q_comment": "x" * (300 * 1024)})
    assert reply.status_code == 413 and "太长" in text_of(reply)


def test_garbage_post_never_errors(app, db, client):
    """Random fields, wrong types and broken encodings get 4xx pages, never a 500."""
    point = make_point()
    for data in ({}, {"role": ["patient", "family"]}, {"form_token": "\x00\xff" * 50},
                 {"q_overall": "💥", "role": "ghost"}, {"form_token": "a" * 5000}):
        assert client.post(f"/s/{point.token}", data=data).status_code in (400, 422)
    raw = client.post(f"/s/{point.token}", data=b"\xff\xfe\x00garbage",
                      content_type="application/x-www-form-urlencoded")
    assert raw.status_code in (400, 422)
    assert count(Response) == 0


def test_database_outage_shows_try_again_with_answers(app, db, make_app):
    """With the database down the respondent gets a Chinese 'try again' page (503) with answers in the form."""
    point = make_point()
    respondent = Respondent(app, point.token)
    respondent.open()
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    respondent.client.application = down
    reply = respondent.submit(GOOD_ANSWERS, reopen=False)
    html = text_of(reply)
    assert reply.status_code == 503 and "系统繁忙" in html
    assert GOOD_ANSWERS["q_comment"] in html and checked(html, "q_overall") == "4"
    opened = respondent.client.get(respondent.url)
    assert opened.status_code == 503 and "请稍后再试" in text_of(opened)


def test_new_bank_wording_makes_a_new_version_and_old_answers_keep_theirs(app, db):
    """Editing a bank stores a new version; responses keep pointing at the wording they answered."""
    import dataclasses

    from survey_web import banks

    point = make_point()
    Respondent(app, point.token).submit(GOOD_ANSWERS)
    old_version = _db.session.scalar(select(Response.bank_version_id))
    bank = app.extensions["banks"]["outpatient"]
    edited = dataclasses.replace(bank, title={**bank.title, "zh-CN": "门诊满意度调查（第二版）"})
    app.extensions["banks"]["outpatient"] = edited
    try:
        Respondent(app, point.token).submit(GOOD_ANSWERS)
    finally:
        app.extensions["banks"]["outpatient"] = bank
    versions = _db.session.scalars(select(Response.bank_version_id).order_by(Response.id)).all()
    assert versions[0] == old_version and versions[1] != old_version
    assert banks.for_version(old_version).title["zh-CN"] == bank.title["zh-CN"]
    assert banks.for_version(versions[1]).title["zh-CN"] == "门诊满意度调查（第二版）"


def test_language_switch_redraws_the_form_with_the_answers_and_stores_nothing(app, db):
    """A switch button sends the answers along: the page comes back in English, filled in, nothing stored."""
    point = make_point()
    respondent = Respondent(app, point.token)
    respondent.open()
    respondent.lang = "en"
    reply = respondent.submit({**GOOD_ANSWERS, "switch": "lang"}, reopen=False)
    assert reply.status_code == 200 and "Outpatient satisfaction survey" in text_of(reply)
    assert checked(text_of(reply), "q_overall") == "4" and "停车太难了" in text_of(reply)
    assert count(Response) == 0 and _db.session.scalar(select(func.count()).select_from(RefusalCount)) == 0


def test_family_survey_does_not_ask_who_is_answering(app, db):
    """A family-area point knows its respondents: no 您是 question, and the response is stored as family."""
    point = make_point("family")
    respondent = Respondent(app, point.token)
    page = text_of(respondent.open())
    assert 'id="q-role"' not in page and "您是" not in page
    reply = respondent.submit({"q_overall": "5", "q_family_respect": "4"}, reopen=False)
    assert reply.status_code == 302
    assert _db.session.scalar(select(Response.role)) == "family"


def test_required_questions_are_marked(app, db):
    """The one required question (您是) says so on the page, before anyone is refused for it."""
    page = text_of(Respondent(app, make_point().token).open())
    legend = re.search(r'<fieldset[^>]*id="q-role"[^>]*>\s*<legend>(.*?)</legend>', page, re.S).group(1)
    assert "必答" in legend and page.count("必答") == 1
