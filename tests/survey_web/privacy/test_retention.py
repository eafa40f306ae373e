"""Retention: free text and contacts go after their period, figures stay; device hashes change every day."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_web import jobs
from survey_web.crypto import decrypt_contact
from survey_web.extensions import db as _db
from survey_web.jobs.retention import enqueue_purge
from survey_web.models import AuditEvent, Comment, CommentTheme, DeviceKey, Response, UrgentAlert, utcnow
from survey_web.models.problems import ProblemItem, ProblemList
from survey_web.privacy import device_keys
from survey_web.privacy.retention import purge

from ...factories import GOOD_ANSWERS, Respondent, make_point
from ..office.world import add_response, login, make_world

DAY = timedelta(days=1)


@pytest.fixture
def world(app, db):
    return make_world()


def _month_figures(app, month: str) -> dict:
    reply = app.test_cli_runner().invoke(args=["indicators", "--month", month, "--format", "json"])
    assert reply.exit_code == 0, reply.output
    return json.loads(reply.output)


def test_old_comment_text_goes_and_figures_stay(app, world):
    """After RETENTION_COMMENT_DAYS a comment's text and quotes are removed; themes, answers and every
    indicator of its month are unchanged."""
    now = utcnow()
    old = add_response(world.card_point, now - 1100 * DAY, scores={"overall": 2}, comment="停车太难了，电话13812345678",
                       themes={"parking": "neg"}, contact="13812345678")
    recent = add_response(world.card_point, now - 1000 * DAY, comment="饭菜太凉了", themes={"food": "neg"})
    plist = ProblemList(hospital_id=world.h1.id, scope_key=0, month="2023-01")
    item = ProblemItem(problem_list=plist, key="parking", source="theme", origin_month="2023-01", problem="停车难",
                       evidence={"quotes": [{"id": old.comment.id, "text": "停车太难了"}]})
    _db.session.add_all([plist, item])
    _db.session.commit()
    month = (old.submitted_at + timedelta(hours=8)).strftime("%Y-%m")
    before = _month_figures(app, month)
    counts = purge(now)
    _db.session.expire_all()
    assert counts["comments"] == 1 and counts["contacts"] >= 1
    gone, kept = _db.session.get(Comment, old.comment.id), _db.session.get(Comment, recent.comment.id)
    assert gone.text == "" and gone.text_removed_at is not None and kept.text == "饭菜太凉了"
    assert [t.theme for t in gone.themes] == ["parking"] and _db.session.get(Response, old.id).answers
    assert _db.session.get(Response, old.id).contact_encrypted is None
    assert _db.session.get(ProblemItem, item.id).evidence["quotes"] == []
    assert _month_figures(app, month) == before
    client = app.test_client()
    login(client, "quality")
    page = client.get(f"/office/comments/{old.comment.id}").get_data(as_text=True)
    assert "保存期限已满，文字已删除" in page and "13812345678" not in page and "停车太难了" not in page
    assert purge(now) == {"comments": 0, "contacts": 0, "device_keys": 0, "case_contacts": 0, "staff_comments": 0}, "a second run removes nothing"


def test_contacts_go_ninety_days_after_the_follow_up_closes(app, world):
    """A contact stays while its follow-up is open and for RETENTION_CONTACT_DAYS after it closed (or after
    the submission when there was nothing to follow up)."""
    now = utcnow()
    phone = "13912345678"
    cases = {
        "no follow-up, 100 days": add_response(world.card_point, now - 100 * DAY, comment="a", contact=phone),
        "no follow-up, 30 days": add_response(world.card_point, now - 30 * DAY, comment="b", contact=phone),
        "closed 100 days ago": add_response(world.card_point, now - 200 * DAY, comment="c", contact=phone,
                                            urgent="safety"),
        "closed 30 days ago": add_response(world.card_point, now - 200 * DAY, comment="d", contact=phone,
                                           urgent="safety"),
        "still open": add_response(world.card_point, now - 200 * DAY, comment="e", contact=phone, urgent="safety"),
    }
    for label, days in (("closed 100 days ago", 100), ("closed 30 days ago", 30)):
        alert = _db.session.scalar(select(UrgentAlert).where(UrgentAlert.comment_id == cases[label].comment.id))
        alert.closed_at = now - days * DAY
    _db.session.commit()
    assert purge(now)["contacts"] == 2
    _db.session.expire_all()
    left = {label: _db.session.get(Response, r.id).contact_encrypted for label, r in cases.items()}
    assert {label for label, value in left.items() if value is None} == {"no follow-up, 100 days",
                                                                        "closed 100 days ago"}
    assert decrypt_contact(left["still open"]) == phone


def test_retention_periods_come_from_the_settings(make_app, db):
    """RETENTION_COMMENT_DAYS and RETENTION_CONTACT_DAYS set the periods."""
    app = make_app(RETENTION_COMMENT_DAYS=10, RETENTION_CONTACT_DAYS=5)
    with app.app_context():
        world = make_world()
        response = add_response(world.card_point, utcnow() - 11 * DAY, comment="旧的意见", contact="13812345678")
        assert purge() == {"comments": 1, "contacts": 1, "device_keys": 0, "case_contacts": 0, "staff_comments": 0}
        _db.session.expire_all()
        assert _db.session.get(Comment, response.comment.id).text == ""


def test_purge_runs_as_a_job_and_from_the_command_line_and_is_audited(app, world):
    """The worker's tick enqueues the purge job; `flask retention purge` runs it by hand; both are audited."""
    add_response(world.card_point, utcnow() - 1200 * DAY, comment="很久以前的意见")
    assert enqueue_purge()
    jobs.wait_in_process(app)
    _db.session.expire_all()
    assert _db.session.scalar(select(Comment.text)) == ""
    add_response(world.card_point, utcnow() - 1200 * DAY, comment="另一条旧意见", contact="13812345678")
    reply = app.test_cli_runner().invoke(args=["retention", "purge"])
    assert reply.exit_code == 0 and json.loads(reply.output) == {"comments": 1, "contacts": 1, "device_keys": 0, "case_contacts": 0, "staff_comments": 0}
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).all()
    assert [e.after["comments"] for e in events] == [1, 1]
    assert "旧" not in json.dumps([e.after for e in events], ensure_ascii=False)
    assert _db.session.scalar(select(func.count(CommentTheme.id))) == 0


def _tomorrow(monkeypatch, days: int = 1):
    monkeypatch.setattr(device_keys, "utcnow", lambda: utcnow() + days * DAY)


def test_device_hash_changes_every_day(app, db, monkeypatch):
    """One phone's responses on different days carry unrelated hashes: they cannot be linked."""
    a, b = make_point(name="门诊大厅"), make_point(name="药房")
    phone = Respondent(app, a.token)
    assert phone.submit(GOOD_ANSWERS).status_code == 302
    _tomorrow(monkeypatch)
    phone.token = b.token
    assert phone.submit(GOOD_ANSWERS).status_code == 302
    first, second = _db.session.scalars(select(Response.device_hash).order_by(Response.id)).all()
    assert first and second and first != second


def test_one_per_phone_rule_holds_across_midnight(app, db, monkeypatch):
    """Answering just before midnight and again just after (new day key) is still a duplicate."""
    point = make_point()
    phone = Respondent(app, point.token)
    assert phone.submit(GOOD_ANSWERS).status_code == 302
    _tomorrow(monkeypatch)
    assert phone.submit(GOOD_ANSWERS).status_code == 409
    assert _db.session.scalar(select(func.count(Response.id))) == 1


def test_old_day_keys_are_discarded(app, db):
    """The purge deletes day keys the duplicate window no longer needs (today's and yesterday's stay)."""
    today = utcnow().date()
    for back in range(4):
        device_keys.key_of(today - back * DAY)
    assert purge()["device_keys"] == 2
    assert sorted(_db.session.scalars(select(DeviceKey.day))) == [today - DAY, today]


@pytest.mark.redis
def test_worker_tick_enqueues_the_retention_job(make_app):
    """The worker's periodic round puts the retention job on the reports queue, at once after start."""
    from redis import Redis

    from survey_web.jobs import context
    from survey_web.jobs.worker import _sweeper

    from ...conftest import REDIS_TEST_URL

    connection = Redis.from_url(REDIS_TEST_URL)
    connection.flushdb()
    app = make_app(REDIS_URL=REDIS_TEST_URL)
    before = context._app, context._pid
    context.set_worker_app(app)  # as `flask worker` does; each round runs in its own app context
    try:
        _sweeper()()  # the first round: sweep, tick, warming and purge are all due
        assert "retention-purge" in jobs.queue(jobs.QUEUE_REPORTS, connection).job_ids
    finally:
        context._app, context._pid = before
        connection.flushdb()
