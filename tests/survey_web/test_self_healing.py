"""The worker heals itself: database resets, Redis outages and replaced workers, on the real services.

Each test runs a real `flask worker` subprocess in its own process group. Database connections are
killed with pg_terminate_backend restricted to this suite's own database; Redis outages use a private
redis-server on a port of the test's own, never the shared one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from survey_web.extensions import db as _db
from survey_web.models import Comment

from ..conftest import PG_ADMIN_URL, PG_DB, REDIS_TEST_URL
from ..factories import GOOD_ANSWERS, Respondent, make_point
from ..tls import free_port
from .test_jobs import ROOT, worker_env

pytestmark = pytest.mark.redis
SCHEDULER_LOCK = "rq:scheduler-lock:classify"


@pytest.fixture
def pg_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("connection resets are a PostgreSQL fault")
    return database_url


@pytest.fixture
def build_app(make_app):
    """make_app, whose pools are emptied before the tables are: a test's killed connections stay behind."""
    made = []

    def build(**config):
        made.append(make_app(**config))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def redis_conn():
    conn = Redis.from_url(REDIS_TEST_URL)
    conn.flushdb()
    yield conn
    conn.flushdb()


def terminate_backends() -> int:
    """Kill every connection to this suite's database (what a PostgreSQL restart or failover does)."""
    engine = create_engine(PG_ADMIN_URL, poolclass=NullPool)
    with engine.begin() as conn:
        killed = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": PG_DB})
    engine.dispose()
    return killed


def classified(url: str) -> int:
    """Comments classified so far, read on a connection of its own (the app's may be dead)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        done = conn.scalar(select(func.count(Comment.id)).where(Comment.status == "done"))
    engine.dispose()
    return done


def wait_until(predicate, timeout: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class WorkerProcess:
    """A real `flask worker` in its own process group, logging to a file shown when a test fails."""

    def __init__(self, app, redis_url: str, *extra: str, log_dir: Path):
        self.log = log_dir / f"worker-{time.time_ns()}.log"
        env = {**worker_env(app), "REDIS_URL": redis_url}
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "flask", "worker", *extra], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def registered(self, conn: Redis) -> bool:
        return any(w.pid == self.proc.pid for w in Worker.all(connection=conn))

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def output(self) -> str:
        return self.log.read_text()[-3000:]

    def logged(self, line: str) -> int:
        """How many times the worker has logged LINE so far."""
        return self.log.read_text().count(line)


@pytest.fixture
def workers(tmp_path):
    started: list[WorkerProcess] = []

    def start(app, redis_url: str = REDIS_TEST_URL, *extra: str) -> WorkerProcess:
        started.append(WorkerProcess(app, redis_url, *extra, log_dir=tmp_path))
        return started[-1]

    yield start
    for worker in started:
        worker.kill()


def submit_until_stored(app, token: str, text_: str, codes: list[int]) -> None:
    """Submit like a patient: a 503 'try again' page is followed by another try; every status is kept."""
    for _ in range(10):
        respondent = Respondent(app, token)
        page = respondent.open()
        codes.append(page.status_code)
        if page.status_code != 200:
            continue
        reply = respondent.submit({**GOOD_ANSWERS, "q_comment": text_}, reopen=False)
        codes.append(reply.status_code)
        if reply.status_code == 302:
            codes.append(respondent.client.get(reply.headers["Location"]).status_code)  # the thanks page
            return
    raise AssertionError(f"not stored after 10 tries: {codes[-20:]}")


def test_connection_reset_after_the_page_rendered_still_serves_it(build_app, pg_url):
    """A connection killed between rendering and teardown costs no 500: the teardown rollback is safe."""
    app = build_app()
    with app.app_context():
        token = make_point().token

    @app.after_request
    def reset_connection(response):
        _db.session.execute(text("SELECT 1"))  # the request's transaction is open on this connection
        terminate_backends()
        return response

    reply = app.test_client().get(f"/s/{token}")
    assert reply.status_code == 200 and "form_token" in reply.get_data(as_text=True)


def test_database_resets_mid_stream_heal_without_a_restart(build_app, pg_url, redis_conn, workers):
    """Connections killed twice while comments arrive: no 500, and all are classified within 60 s."""
    app = build_app(REDIS_URL=REDIS_TEST_URL)
    with app.app_context():
        token = make_point().token
    worker = workers(app, REDIS_TEST_URL, "--sweep-interval", "5")
    assert wait_until(lambda: worker.registered(redis_conn), 120), worker.output()
    codes: list[int] = []
    for i in range(24):
        if i in (8, 16):
            assert terminate_backends() > 0
        submit_until_stored(app, token, f"第{i}位：排队太久了，停车也难", codes)
    assert 500 not in codes and set(codes) <= {200, 302, 503}
    assert wait_until(lambda: classified(pg_url) == 24, 60, step=1), worker.output()
    assert worker.proc.poll() is None, "the same worker, never restarted"


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own on a free port: (start, kill, its URL); start() again after kill()."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is required for the Redis outage test")
    port = free_port()
    state = {}

    def start():
        state["proc"] = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                          "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                                         stdout=subprocess.DEVNULL)
        conn = Redis(port=port)
        assert wait_until(lambda: _pings(conn), 10), "private redis-server did not start"
        return conn

    def kill():
        state["proc"].kill()
        state["proc"].wait(10)

    yield start, kill, f"redis://127.0.0.1:{port}/0"
    if state.get("proc") and state["proc"].poll() is None:
        kill()


def _pings(conn: Redis) -> bool:
    try:
        return conn.ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False


def test_worker_rides_out_a_redis_restart_with_its_scheduler(build_app, private_redis, workers):
    """Redis killed and restarted empty: the same worker process re-registers, works and has its scheduler."""
    start_redis, kill_redis, private_url = private_redis
    conn = start_redis()
    app = build_app(REDIS_URL=private_url)
    with app.app_context():
        token = make_point().token
    worker = workers(app, private_url, "--sweep-interval", "5")
    assert wait_until(lambda: worker.registered(conn) and conn.exists(SCHEDULER_LOCK), 120), worker.output()
    with app.app_context():
        assert Respondent(app, token).submit(GOOD_ANSWERS).status_code == 302
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert wait_until(lambda: classified(url) == 1, 30), worker.output()
    kill_redis()
    time.sleep(8)  # long enough for heartbeats and the scheduler to meet the outage
    conn = start_redis()
    assert wait_until(lambda: worker.registered(conn), 30), worker.output()
    assert worker.proc.poll() is None, "the same worker process, still running"
    with app.app_context():
        assert Respondent(app, token).submit({**GOOD_ANSWERS, "q_comment": "护士态度很好"}).status_code == 302
    assert wait_until(lambda: classified(url) == 2, 30), worker.output()
    assert wait_until(lambda: conn.exists(SCHEDULER_LOCK), 30), "the scheduler came back: " + worker.output()
    scheduler_pid = int(conn.hget(f"rq:scheduler:{conn.get(SCHEDULER_LOCK).decode()}", "pid"))
    assert os.getpgid(scheduler_pid) == worker.proc.pid, "the scheduler is this worker's child"


def test_retry_after_a_worker_is_replaced_runs_on_time(build_app, pg_url, redis_conn, workers):
    """SIGKILL a worker, start another at once: a job that fails once is retried at its due time, not later."""
    app = build_app(REDIS_URL=REDIS_TEST_URL)
    with app.app_context():
        token = make_point().token
    first = workers(app, REDIS_TEST_URL)
    assert wait_until(lambda: first.registered(redis_conn) and redis_conn.exists(SCHEDULER_LOCK), 120), \
        first.output()
    first.kill()
    assert redis_conn.ttl(SCHEDULER_LOCK) > 30, "the dead worker's scheduler lock lives on"
    # No sweeps: only the retry may bring the comment back.
    second = workers(app, REDIS_TEST_URL, "--sweep-interval", "600")
    assert wait_until(lambda: second.registered(redis_conn), 120), second.output()
    terminate_backends()  # the second worker's pooled connections die: its first attempt fails
    submit_until_stored(app, token, GOOD_ANSWERS["q_comment"], [])
    with app.app_context():
        comment_id = _db.session.scalar(select(Comment.id))
    submitted = time.monotonic()
    assert wait_until(lambda: classified(pg_url) == 1, 45), second.output()
    took = time.monotonic() - submitted
    job = Job.fetch(f"classify-{comment_id}", connection=redis_conn, serializer=JSONSerializer)
    assert job.retries_left == 2, "the first attempt failed and the retry succeeded"
    assert took < 5 + 12, f"retry due after 5 s ran after {took:.1f} s"


def test_worker_started_while_redis_is_down_waits_for_it(build_app, private_redis, workers):
    """A worker (re)started during a Redis outage waits for Redis instead of dying, then works."""
    start_redis, kill_redis, private_url = private_redis
    start_redis()
    kill_redis()
    app = build_app(REDIS_URL=private_url)
    with app.app_context():
        token = make_point().token
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = workers(app, private_url, "--sweep-interval", "5")
    # The classifier loads, then Redis is needed: the worker keeps trying (0.5 + 1 + 2 s of backoff, then
    # a fourth try) instead of dying, however long the load took on a busy machine.
    assert wait_until(lambda: worker.logged("Redis unreachable; trying again") >= 4, 60), worker.output()
    assert worker.proc.poll() is None, worker.output()
    conn = start_redis()
    assert wait_until(lambda: worker.registered(conn), 60), worker.output()
    with app.app_context():
        assert Respondent(app, token).submit(GOOD_ANSWERS).status_code == 302
    assert wait_until(lambda: classified(url) == 1, 30), worker.output()


def test_forking_worker_classifies_with_the_healing_class(build_app, redis_conn):
    """`flask worker --fork` (the healing forking worker class): work horses classify, nothing crashes."""
    from .test_jobs import run_worker

    app = build_app(REDIS_URL=REDIS_TEST_URL)
    with app.app_context():
        token = make_point().token
        assert Respondent(app, token).submit(GOOD_ANSWERS).status_code == 302
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    done = run_worker(app, "--fork")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert classified(url) == 1
