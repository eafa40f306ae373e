"""The respondent's rights: a receipt code to see, export and erase what they submitted (PIPL arts. 44-47)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from survey_web import jobs
from survey_web.extensions import db as _db
from survey_web.models import (
    Answer,
    AuditEvent,
    Comment,
    CommentTheme,
    IndicatorPeriod,
    Response,
    UrgentAlert,
    utcnow,
)
from survey_web.models.problems import ProblemItem, ProblemList
from survey_web.privacy import receipts
from survey_web.privacy.forget import BEIJING

from ...factories import GOOD_ANSWERS, make_point
from .helpers import CODE, receipt_post, submit_for_receipt

ANSWERS = {**GOOD_ANSWERS, "q_comment": "停车太难了，我是王小明", "contact_consent": "y", "contact": "13812345678"}


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_thanks_page_shows_a_receipt_code_stored_only_hashed(app, db):
    """Every response gets a 12-character code on the thanks page; the database keeps only a keyed hash."""
    point = make_point()
    respondent, code = submit_for_receipt(app, point.token)
    response = _db.session.scalar(select(Response))
    assert response.receipt_hash == receipts.hashed(code) and code.replace("-", "") not in response.receipt_hash
    row = " ".join(str(v) for v in _db.session.execute(select(Response.__table__)).one())
    assert code not in row and code.replace("-", "") not in row
    # Shown once: a reload of the thanks page no longer shows it.
    assert not CODE.search(respondent.client.get(f"/s/{point.token}/thanks").get_data(as_text=True))


def test_resent_form_shows_the_same_receipt(app, db):
    """A double tap stores one response and both thanks pages show its one code."""
    point = make_point()
    respondent, code = submit_for_receipt(app, point.token)
    again = respondent.submit(GOOD_ANSWERS, reopen=False)
    assert again.status_code == 302 and count(Response) == 1
    assert code in respondent.client.get(again.headers["Location"]).get_data(as_text=True)


def test_receipt_shows_and_exports_what_was_submitted(app, db):
    """With the code (any case, dashes optional) the respondent sees their answers and downloads JSON or text."""
    point = make_point()
    _, code = submit_for_receipt(app, point.token, ANSWERS)
    client = app.test_client()
    page = receipt_post(client, "/receipt", code.lower().replace("-", " "))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "停车太难了，我是王小明" in html and "138****5678" in html
    assert page.headers["Cache-Control"] == "no-store"
    exported = receipt_post(client, "/receipt/export.json", code)
    data = json.loads(exported.get_data(as_text=True))
    assert "attachment" in exported.headers["Content-Disposition"]
    assert data["comment"] == "停车太难了，我是王小明" and data["contact"] == "138****5678"
    assert len(data["answers"]) == 5 and any(a["answer"] == "4 · 满意" for a in data["answers"])
    text = receipt_post(client, "/receipt/export.txt", code).get_data(as_text=True)
    assert "停车太难了，我是王小明" in text and "内科门诊候诊区" in text


def _world_around(response: Response) -> ProblemItem:
    """An urgent alert and staff themes on the response's comment, and a problem item quoting it."""
    comment = response.comment
    _db.session.add(UrgentAlert(comment_id=comment.id, reason="safety"))
    _db.session.add(CommentTheme(comment_id=comment.id, theme="parking", polarity="neg", source="staff"))
    plist = ProblemList(hospital_id=response.point.department.hospital_id, scope_key=0, month="2026-12")
    item = ProblemItem(problem_list=plist, key="parking", source="theme", origin_month="2026-12", problem="停车难",
                       evidence={"quotes": [{"id": comment.id, "text": "停车太难了"}, {"id": -5, "text": "别的"}]})
    _db.session.add_all([plist, item])
    _db.session.add(IndicatorPeriod(period=response.submitted_at.strftime("%Y-%m"), max_response_id=response.id,
                                    built_at=datetime.now(UTC)))
    _db.session.commit()
    return item


def test_erase_removes_everything_and_is_audited_without_content(app, db):
    """Deleting removes answers, comment, contact, themes and alert, its quotes and cached figures; the audit
    event says what kinds of data went, never the data."""
    point = make_point()
    _, code = submit_for_receipt(app, point.token, ANSWERS)
    _, other = submit_for_receipt(app, point.token)
    jobs.wait_in_process(app)
    response = _db.session.scalar(select(Response).where(Response.receipt_hash == receipts.hashed(code)))
    response_id, comment_id = response.id, response.comment.id
    item = _world_around(response)
    client = app.test_client()
    refused = receipt_post(client, "/receipt/delete", code)
    assert refused.status_code == 422 and count(Response) == 2, "the confirmation tick is required"
    done = receipt_post(client, "/receipt/delete", code, confirm="y")
    assert done.status_code == 200 and "已删除" in done.get_data(as_text=True)
    _db.session.expire_all()
    assert count(Response) == 1 and count(Comment) == 1 and count(UrgentAlert) == 0
    assert _db.session.scalar(select(func.count(Answer.id)).where(Answer.response_id == response_id)) == 0
    assert _db.session.scalar(select(func.count(CommentTheme.id)).where(CommentTheme.comment_id == comment_id)) == 0
    assert [q["id"] for q in _db.session.get(ProblemItem, item.id).evidence["quotes"]] == [-5]
    assert count(IndicatorPeriod) == 0, "the month is counted again without the deleted response"
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "response.erase"))
    assert event.entity_id == response_id and event.after["comment"] and event.after["contact"]
    assert "停车" not in json.dumps(event.after, ensure_ascii=False) and "1381" not in json.dumps(event.after)
    assert receipt_post(client, "/receipt", code).status_code == 404
    assert receipt_post(client, "/receipt", other).status_code == 200


def test_receipt_attempts_are_limited_per_address(make_app, db):
    """Guessing is capped: past RATE_LIMIT_RECEIPT even the right code is refused for a while."""
    app = make_app(RATE_LIMIT_RECEIPT="3/hour")
    with app.app_context():
        point = make_point()
        _, code = submit_for_receipt(app, point.token)
        client = app.test_client()
        wrong = ["ABCD-EFGH-JKMN", "0000-0000-0000", "ZZZZ-ZZZZ-ZZZZ"]
        assert [receipt_post(client, "/receipt", guess).status_code for guess in wrong] == [404, 404, 404]
        assert receipt_post(client, "/receipt", code).status_code == 429
        assert receipt_post(client, "/receipt/delete", code, confirm="y").status_code == 429
        assert count(Response) == 1


def test_receipt_forms_need_their_csrf_token(app, db):
    """A cross-site POST (no CSRF token) can neither read nor delete a response."""
    point = make_point()
    _, code = submit_for_receipt(app, point.token)
    client = app.test_client()
    assert client.post("/receipt/delete", data={"code": code, "confirm": "y"}).status_code == 400
    assert client.post("/receipt/export.json", data={"code": code}).status_code == 400
    assert count(Response) == 1


def test_codes_have_sixty_random_bits_and_typos_are_forgiven():
    """Codes are 12 Crockford base32 characters; O/I/L typed for 0/1 still match; junk is no code."""
    assert receipts.normalise("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert receipts.normalise("O1IL-0000-0000") == "0111-0000-0000"
    assert receipts.normalise("ABCD-EFGH-JKM") is None and receipts.normalise("ABCD-EFGH-JKM#") is None
    assert len(receipts.ALPHABET) ** receipts.LENGTH == 2 ** 60


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(["/receipt", "/receipt/export.json", "/receipt/export.txt", "/receipt/delete",
                             "/receipt/export.pdf"]),
       code=st.one_of(st.text(max_size=200), st.sampled_from(["", "\x00", "ABCD-EFGH-JKMN", "%" * 30, "😀" * 12])),
       confirm=st.sampled_from([None, "y", "\x00", "0"]), keep_token=st.booleans())
def test_random_receipt_posts_never_crash_or_delete(make_app, db, path, code, confirm, keep_token):
    """Random codes, with or without CSRF token and confirmation, get a 4xx page and delete nothing."""
    made_by, app = getattr(test_random_receipt_posts_never_crash_or_delete, "_app", (None, None))
    if made_by is not make_app:  # one app per test run and backend, shared by its examples
        app = make_app(RATE_LIMIT_RECEIPT="100000/hour")
        test_random_receipt_posts_never_crash_or_delete._app = (make_app, app)
    with app.app_context():
        if not _db.session.scalar(select(func.count(Response.id))):
            submit_for_receipt(app, make_point().token)
        client = app.test_client()
        data = {"code": code, **({"confirm": confirm} if confirm is not None else {})}
        if keep_token:
            reply = receipt_post(client, path, code, **({"confirm": confirm} if confirm is not None else {}))
        else:
            reply = client.post(path, data=data)
        assert reply.status_code in (400, 404, 422), reply.status_code
        assert _db.session.scalar(select(func.count(Response.id))) == 1


def test_exports_made_after_a_deletion_leave_the_response_out(app, db):
    """A month's figures were cached with the response; after its deletion the indicator export and the
    comment export made later count and list it no more."""
    from ..office.world import login, make_world

    world = make_world()
    _, code = submit_for_receipt(app, world.card_point.token, ANSWERS)
    submit_for_receipt(app, world.card_point.token)
    last_month = utcnow() - timedelta(days=40)
    _db.session.execute(update(Response).values(submitted_at=last_month))
    _db.session.commit()
    month = last_month.astimezone(BEIJING).strftime("%Y-%m")

    def figures() -> dict:
        reply = app.test_cli_runner().invoke(args=["indicators", "--month", month, "--format", "json"])
        return json.loads(reply.output)["overall"]

    assert figures()["n"] == 2 and count(IndicatorPeriod) >= 1, "the closed month is cached"
    assert receipt_post(app.test_client(), "/receipt/delete", code, confirm="y").status_code == 200
    assert figures()["n"] == 1
    office = app.test_client()
    login(office, "quality")
    csv_body = office.get(f"/office/comments/export.csv?month={month}").get_data().decode("utf-8-sig")
    assert "我是王" not in csv_body and csv_body.count("停车太难了") == 1 and "医生很专业" in csv_body
