"""The classify pipeline on the real Redis: enqueue after commit, fail fast, sweep, real RQ worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import func, select, update

from survey_web import jobs
from survey_web.extensions import db as _db
from survey_web.jobs.classify import classify_comment
from survey_web.jobs.sweeper import sweep_pending
from survey_web.models import Comment, CommentTheme, RefusalCount, Response, utcnow

from ..conftest import REDIS_TEST_URL, hidden_fields
from ..factories import GOOD_ANSWERS, Respondent, make_point

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_conn():
    conn = Redis.from_url(REDIS_TEST_URL)
    try:
        conn.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"the real Redis at {REDIS_TEST_URL} is required: {exc}")
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def redis_app(make_app, redis_conn):
    return make_app(REDIS_URL=REDIS_TEST_URL)


def queued_job_args(conn: Redis) -> list[list]:
    """The args of every job waiting in the classify queue, read raw from Redis."""
    q = jobs.queue(jobs.QUEUE_CLASSIFY, conn)
    return [job.args for job in q.jobs]


def test_submission_enqueues_a_classify_job_with_the_id_only(redis_app, redis_conn):
    """After commit a job classify_comment(comment_id) waits in Redis; its payload holds no comment text."""
    with redis_app.app_context():
        point = make_point()
        assert Respondent(redis_app, point.token).submit(GOOD_ANSWERS).status_code == 302
        comment = _db.session.scalar(select(Comment))
        assert comment.status == "pending"
        assert queued_job_args(redis_conn) == [[comment.id]]
        job = jobs.queue(jobs.QUEUE_CLASSIFY, redis_conn).jobs[0]
        assert job.timeout == jobs.JOB_TIMEOUT and job.result_ttl == jobs.RESULT_TTL
        assert job.failure_ttl == jobs.FAILURE_TTL and job.retries_left == 3
        payload = zlib.decompress(redis_conn.hget(f"rq:job:{job.id}", "data"))
        assert json.loads(payload)[-2:] == [[comment.id], {}], "JSON, not pickle"
        everything = b"".join(v for v in redis_conn.hgetall(f"rq:job:{job.id}").values()) + payload
        assert "停车".encode() not in everything


def test_rate_limits_hold_across_processes(make_app, redis_conn):
    """Two app processes share the limits in Redis: the per-point limit counts the submissions of both."""
    first, second = (make_app(REDIS_URL=REDIS_TEST_URL, RATE_LIMIT_POINT="2/minute") for _ in range(2))
    with first.app_context():
        point = make_point()
        codes = [Respondent(app, point.token).submit(GOOD_ANSWERS).status_code
                 for app in (first, second, first, second)]
        assert codes == [302, 302, 429, 429]
        assert _db.session.scalar(select(func.sum(RefusalCount.count))) == 2
    for kind in ("point", "ip"):
        (key,) = redis_conn.keys(f"LIMITS:LIMITER/survey-{kind}/*")
        assert 0 < redis_conn.ttl(key) <= 60, "each window expires"


def test_replayed_form_token_counts_once_in_redis(make_app, redis_conn):
    """With limits in Redis, replays of one form token across processes store one response and count once."""
    first, second = (make_app(REDIS_URL=REDIS_TEST_URL, RATE_LIMIT_POINT="2/minute") for _ in range(2))
    with first.app_context():
        point = make_point()
        attacker = Respondent(first, point.token)
        attacker.open()
        data = {**hidden_fields(attacker.page.get_data(as_text=True)), **GOOD_ANSWERS}
        codes = {attacker.client.post(attacker.url, data=data).status_code for _ in range(20)}
        other = second.test_client()
        other.set_cookie("session", attacker.client.get_cookie("session").value)
        codes |= {other.post(attacker.url, data=data).status_code for _ in range(21)}
        assert codes == {302} and _db.session.scalar(select(func.count(Response.id))) == 1
        assert [Respondent(app, point.token).submit(GOOD_ANSWERS).status_code for app in (second, first)] == [302, 429]
    spent = redis_conn.keys("*survey-form-spent:*")  # in the limits storage, under its prefix
    assert len(spent) == 2, "the refused third form stays unspent"
    assert all(0 < redis_conn.ttl(key) <= 24 * 3600 for key in spent)


def test_redis_down_at_submit_still_saves_quickly(make_app):
    """With Redis unreachable the respondent is answered fast and the comment waits, pending."""
    app = make_app(REDIS_URL=DEAD_REDIS)
    with app.app_context():
        point = make_point()
        respondent = Respondent(app, point.token)
        respondent.open()
        started = time.perf_counter()
        reply = respondent.submit(GOOD_ANSWERS, reopen=False)
        elapsed = time.perf_counter() - started
        assert reply.status_code == 302
        assert elapsed < 0.3, f"submit took {elapsed:.3f}s with Redis down"
        assert _db.session.scalar(select(Comment.status)) == "pending"


def test_sweeper_re_enqueues_stale_pending_comments_once(redis_app, redis_conn):
    """A comment left pending (Redis was down) is enqueued again by the sweeper, and only once per round."""
    with redis_app.app_context():
        point = make_point()
        Respondent(redis_app, point.token).submit(GOOD_ANSWERS)
        redis_conn.flushdb()  # as if Redis had lost the job
        assert sweep_pending() == 0, "too fresh to sweep"
        _db.session.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=10)))
        _db.session.commit()
        assert sweep_pending() == 1
        assert sweep_pending() == 0, "claimed rows are not swept again at once"
        assert len(queued_job_args(redis_conn)) == 1


def test_classify_job_is_idempotent(app, db):
    """Running the job twice stores one result: the second run finds the row done."""
    point = make_point()
    Respondent(app, point.token).submit(GOOD_ANSWERS)
    jobs.wait_in_process(app)
    comment_id = _db.session.scalar(select(Comment.id))
    assert classify_comment(comment_id) == "skipped"
    assert classify_comment(comment_id) == "skipped"
    themes = _db.session.scalars(select(CommentTheme).where(CommentTheme.comment_id == comment_id)).all()
    assert len(themes) == len({t.theme for t in themes}) > 0
    assert classify_comment(999999) == "skipped"


def test_classify_job_stores_the_model_uncertainty(app, db):
    """A classified comment keeps the model's uncertainty, the key of the office's 请确认 queue."""
    point = make_point()
    Respondent(app, point.token).submit(GOOD_ANSWERS)
    jobs.wait_in_process(app)
    comment = _db.session.scalars(select(Comment)).one()
    assert comment.status == "done"
    assert comment.uncertainty is not None and 0.0 <= comment.uncertainty <= 1.0


def worker_env(app) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=REDIS_TEST_URL,
               FLASK_APP="wsgi", PYTHONPATH=str(ROOT))
    return env


def run_worker(app, *extra: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "worker", "--burst", *extra], cwd=ROOT,
                          env=worker_env(app), capture_output=True, text=True, timeout=timeout)


def test_real_worker_classifies_submitted_comments(redis_app, redis_conn):
    """A real RQ worker (burst mode) turns each pending comment into a classified row."""
    with redis_app.app_context():
        point = make_point()
        for answers in (GOOD_ANSWERS, {**GOOD_ANSWERS, "q_comment": "护士偷偷收了我们的红包"}):
            Respondent(redis_app, point.token).submit(answers)
        done = run_worker(redis_app)
        assert done.returncode == 0, done.stderr[-2000:]
        _db.session.expire_all()
        comments = _db.session.scalars(select(Comment).order_by(Comment.id)).all()
        assert [c.status for c in comments] == ["done", "done"]
        assert comments[1].urgent and comments[1].urgent_reason == "bribery"
        assert all(c.model_version for c in comments)


def test_redis_down_at_submit_then_classified_after_it_returns(make_app, redis_conn):
    """Submitted while Redis was down; once it is back the sweeper and a worker classify the comment."""
    down = make_app(REDIS_URL=DEAD_REDIS)
    with down.app_context():
        point = make_point()
        Respondent(down, point.token).submit(GOOD_ANSWERS)
        _db.session.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=5)))
        _db.session.commit()
    up = make_app(REDIS_URL=REDIS_TEST_URL)
    done = run_worker(up)  # the worker sweeps once before it works
    assert done.returncode == 0, done.stderr[-2000:]
    with up.app_context():
        assert _db.session.scalar(select(Comment.status)) == "done"
        assert _db.session.scalar(select(Response.id)) is not None


def test_killed_worker_leaves_nothing_lost_or_doubled(redis_app, redis_conn):
    """SIGKILL a worker mid-queue: after a restart (and the sweeper) every comment is classified exactly once."""
    with redis_app.app_context():
        point = make_point()
        for i in range(12):
            Respondent(redis_app, point.token).submit({**GOOD_ANSWERS, "q_comment": f"第{i}次：排队太久了"})
        # Its own process group: RQ's scheduler is a child process that a SIGKILL of the worker alone would
        # orphan (it would hold the scheduler lock for the rest of the run). A crashed service's cgroup goes too.
        proc = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=worker_env(redis_app),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            _db.session.expire_all()
            if _db.session.scalar(select(Comment.id).where(Comment.status == "done").limit(1)):
                break
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # Whatever the killed worker held is now stale: age the rows so the sweeper takes them again.
        _db.session.execute(update(Comment).where(Comment.status == "pending")
                            .values(created_at=utcnow() - timedelta(minutes=10), enqueued_at=None))
        _db.session.commit()
        done = run_worker(redis_app)
        assert done.returncode == 0, done.stderr[-2000:]
        _db.session.expire_all()
        statuses = _db.session.scalars(select(Comment.status)).all()
        assert statuses == ["done"] * 12
        per_comment = _db.session.execute(
            select(CommentTheme.comment_id, CommentTheme.theme)).all()
        assert len(per_comment) == len(set(per_comment)), "no theme stored twice"


def test_health_reports_queue_and_pending(redis_app, redis_conn):
    """/healthz shows database and Redis state, queue depth, pending count and workers (to the token's holder)."""
    redis_app.config["HEALTHZ_TOKEN"] = "monitoring-token-1234"
    with redis_app.app_context():
        point = make_point()
        Respondent(redis_app, point.token).submit(GOOD_ANSWERS)
        report = redis_app.test_client().get(
            "/healthz", headers={"Authorization": "Bearer monitoring-token-1234"}).get_json()
    assert report["database"] == "ok" and report["redis"] == "ok"
    assert report["queues"]["classify"] == 1 and report["pending_comments"] == 1
    assert report["oldest_pending_seconds"] >= 0 and report["workers"] == 0
