"""Cases through the real queue: classified by a real RQ worker, 回访 cases by rule, the CLI."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from redis import Redis
from sqlalchemy import select

from survey_web import jobs
from survey_web.extensions import db as _db
from survey_web.jobs.complaints import tick
from survey_web.models import ComplaintCase, utcnow

from ...conftest import REDIS_TEST_URL
from ..test_jobs import run_worker
from .world import add_case, add_response, complaint_world, login, post


@pytest.fixture
def redis_conn():
    conn = Redis.from_url(REDIS_TEST_URL)
    conn.ping()
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.mark.redis
def test_a_registered_case_is_classified_by_a_real_worker_from_its_id_alone(make_app, redis_conn):
    """Intake enqueues classify_case(case_id) in Redis (no words in the payload); `flask worker --burst`
    stores the themes and the urgent flag on the case."""
    app = make_app(REDIS_URL=REDIS_TEST_URL)
    with app.app_context():
        world = complaint_world()
        client = app.test_client()
        login(client, "tsb")
        text = "护士收了红包才给我们换床位，态度也很差"
        assert post(client, "/complaints/new", "/complaints/new", channel="mailbox", text=text,
                    departments=[str(world.card.id)]).status_code == 302
        waiting = jobs.queue(jobs.QUEUE_CLASSIFY, redis_conn).jobs
        case_id = _db.session.scalar(select(ComplaintCase.id))
        assert [list(job.args) for job in waiting] == [[case_id]]
        payload = zlib.decompress(redis_conn.hget(f"rq:job:{waiting[0].id}", "data"))
        assert json.loads(payload)[-2:] == [[case_id], {}]
        stored = b"".join(redis_conn.hgetall(f"rq:job:{waiting[0].id}").values()) + payload
        assert text.encode() not in stored and "红包".encode() not in stored
        done = run_worker(app)
        assert done.returncode == 0, done.stderr[-2000:]
        _db.session.expire_all()
        case = _db.session.get(ComplaintCase, case_id)
        assert case.classify_status == "done" and case.model_version
        assert case.urgent and case.urgent_reason == "bribery"
        assert {t.theme for t in case.themes}


def test_a_low_overall_score_with_consented_contact_becomes_one_revisit_case(app, db):
    """COMPLAINTS_REVISIT_SCORE=2: a 1-point answer with a phone number opens a 回访 case for its department,
    once; a 1-point answer without contact and a 4-point answer with one do not."""
    world = complaint_world()
    low = add_response(world.card_point, utcnow() - timedelta(hours=3), scores={"overall": 1},
                       comment="等了三个小时没人管", contact="13900002222")
    add_response(world.card_point, utcnow() - timedelta(hours=2), scores={"overall": 1})
    add_response(world.orth_point, utcnow() - timedelta(hours=1), scores={"overall": 4}, contact="13900003333")
    first = tick()
    assert len(first["revisit"]) == 1 and tick()["revisit"] == []
    case = _db.session.scalar(select(ComplaintCase))
    assert case.kind == "revisit" and case.response_id == low.id and case.channel == "survey"
    assert [d.code for d in case.departments] == ["CARD"] and case.text == "等了三个小时没人管"
    assert case.contact_encrypted == low.contact_encrypted and case.owner_id is None


def test_the_revisit_rule_follows_its_setting(app, db):
    """COMPLAINTS_REVISIT_SCORE=0 turns the rule off; 4 takes a 3-point answer."""
    world = complaint_world()
    add_response(world.card_point, utcnow() - timedelta(hours=3), scores={"overall": 3}, contact="13900002222")
    app.config["COMPLAINTS_REVISIT_SCORE"] = 0
    assert tick()["revisit"] == []
    app.config["COMPLAINTS_REVISIT_SCORE"] = 4
    assert len(tick()["revisit"]) == 1


def test_cli_overdue_lists_late_cases_without_personal_data(app, db):
    """`flask complaints overdue`: number, deadline, state, departments, owner; never words or contact."""
    world = complaint_world()
    late = add_case(world, world.card, received_at=datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    fresh = add_case(world, world.orth)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["complaints", "overdue", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["number"] for r in rows] == [late.number]
    assert rows[0]["due_on"] == date(2026, 10, 13).isoformat() and rows[0]["departments"] == ["心内科"]
    assert fresh.number not in result.output and "13812345678" not in result.output
    assert late.text not in result.output
    table = runner.invoke(args=["complaints", "overdue", "--remind"])
    assert table.exit_code == 0 and late.number in table.output and "escalate" in table.output
    _db.session.expire_all()
    assert _db.session.get(ComplaintCase, late.id).escalated_at is not None
    bad = runner.invoke(args=["complaints", "overdue", "--hospital", "NOPE"])
    assert bad.exit_code != 0 and "NOPE" in bad.output


def test_cli_tick_reports_what_it_did(app, db):
    world = complaint_world()
    add_case(world, world.card, received_at=datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    result = app.test_cli_runner().invoke(args=["complaints", "tick"])
    assert result.exit_code == 0 and json.loads(result.output) == {"revisit_cases": 0, "notices": 2}
