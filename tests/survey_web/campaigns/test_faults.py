"""Exactly once under faults, with the real Redis and real `flask worker` processes (own process groups):
a worker killed mid-batch, Redis lost mid-campaign, gateway timeouts. No patient gets a message twice,
none is left unsent, and the campaign finishes without anyone's help."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from redis import Redis
from sqlalchemy import func, select

from survey_web.campaigns import lifecycle
from survey_web.extensions import db as _db
from survey_web.models import Message

from ...conftest import REDIS_TEST_URL
from ...tls import free_port
from ..test_jobs import redis_conn  # noqa: F401 - fixture
from ..test_self_healing import _pings, wait_until, workers  # noqa: F401 - fixture
from .conftest import KEY, imported, make_hospital, patients

pytestmark = pytest.mark.redis


def _configure(monkeypatch, gateway, *, rate: str, timeout: int = 5) -> dict:
    config = {"FOLLOWUP_SMS_URL": gateway.url, "FOLLOWUP_SMS_KEY": KEY, "FOLLOWUP_SMS_RATE": rate,
              "FOLLOWUP_LEASE_SECONDS": "3", "FOLLOWUP_SEND_TIMEOUT": str(timeout),
              "PUBLIC_BASE_URL": "http://survey.test"}
    for name, value in config.items():
        monkeypatch.setenv(name, value)  # the worker subprocess reads its settings from the environment
    return {name: int(value) if value.isdigit() else value for name, value in config.items()}


def _campaign(app, tmp_path, n: int) -> None:
    with app.app_context():
        campaign = lifecycle.create(make_hospital(), "故障演练")
        imported(campaign, tmp_path, patients(n))


def _settled(app) -> bool:
    """Every invite recorded as sent (nothing pending, claimed, in flight or unknown)."""
    with app.app_context():
        return _db.session.scalar(select(func.count(Message.id)).where(
            Message.kind == "invite", Message.state != "sent")) == 0


def _states(app) -> dict:
    with app.app_context():
        return dict(_db.session.execute(select(Message.state, func.count(Message.id)).where(
            Message.kind == "invite").group_by(Message.state)).all())


def _assert_exactly_once(gateway, n: int) -> None:
    assert len(gateway.accepted) == n, "every patient got the invitation"
    assert gateway.duplicates() == 0, "nobody got it twice"
    assert set(gateway.posts.values()) == {1}, "no message was even offered twice"


def test_a_worker_killed_mid_batch(make_app, redis_conn, workers, gateway, monkeypatch, tmp_path):  # noqa: F811
    config = _configure(monkeypatch, gateway, rate="40/second")
    app = make_app(REDIS_URL=REDIS_TEST_URL, **config)
    _campaign(app, tmp_path, 200)
    first = workers(app, REDIS_TEST_URL, "--sweep-interval", "1")
    assert wait_until(lambda: len(gateway.accepted) >= 40, 120), first.output()
    first.kill()
    assert len(gateway.accepted) < 200, "killed mid-batch"
    second = workers(app, REDIS_TEST_URL, "--sweep-interval", "1")
    assert wait_until(lambda: _settled(app), 120, step=0.5), second.output()
    _assert_exactly_once(gateway, 200)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is required for the Redis outage test")
    procs = []
    port = free_port()

    def start() -> Redis:
        procs.append(subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save",
                                       "", "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL))
        conn = Redis(port=port)
        assert wait_until(lambda: _pings(conn), 10)
        return conn

    start.port = port
    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_redis_lost_mid_campaign(make_app, own_redis, workers, gateway, monkeypatch, tmp_path):  # noqa: F811
    """Redis killed while messages go out and restarted empty 4 s later: the batch in hand carries on (its
    rate limit counted in-process meanwhile), the worker re-registers and its sweeper enqueues the rest."""
    url = f"redis://127.0.0.1:{own_redis.port}/0"
    config = _configure(monkeypatch, gateway, rate="30/second")
    own_redis()
    app = make_app(REDIS_URL=url, **config)
    _campaign(app, tmp_path, 240)
    worker = workers(app, url, "--sweep-interval", "1")
    assert wait_until(lambda: len(gateway.accepted) >= 30, 120), worker.output()
    Redis(port=own_redis.port).shutdown(nosave=True)
    during = len(gateway.accepted)
    wait_until(lambda: False, 4)
    own_redis()
    assert wait_until(lambda: _settled(app), 120, step=0.5), (_states(app), worker.output())
    assert len(gateway.accepted) > during
    _assert_exactly_once(gateway, 240)
    assert worker.proc.poll() is None, "the same worker, never restarted"


def test_gateway_timeouts(make_app, redis_conn, workers, gateway, monkeypatch, tmp_path):  # noqa: F811
    """Every 7th message is taken but answered after the sender's 1 s timeout: marked unknown, never resent
    blindly; the next batch asks the gateway by client reference and records them sent."""
    gateway.behaviour.stall_every, gateway.behaviour.stall_seconds = 7, 1.5
    config = _configure(monkeypatch, gateway, rate="100/second", timeout=1)
    app = make_app(REDIS_URL=REDIS_TEST_URL, **config)
    _campaign(app, tmp_path, 70)
    worker = workers(app, REDIS_TEST_URL, "--sweep-interval", "1")
    assert wait_until(lambda: _settled(app), 120, step=0.5), worker.output()
    _assert_exactly_once(gateway, 70)
    with app.app_context():  # the ten were unknown first, then confirmed by the gateway
        errors = dict(_db.session.execute(select(Message.error, func.count(Message.id)).where(
            Message.error.is_not(None)).group_by(Message.error)).all())
        assert sum(errors.values()) == 10, errors
