"""Send N follow-up invitations (default 10,000) through a local SMS gateway with real `flask worker`
processes, plain and under three faults; print the rate and, per run, duplicates, silent losses, unknowns.

    .venv/bin/python bench/followup_send.py [--n 10000] [--db survey_fu_bench] [--redis-port 6398]

Each run has its own fresh PostgreSQL database and the bench's own redis-server (never the machine's shared
one). Faults: `kill` SIGKILLs the worker's process group once 30% went out and starts another; `redis` kills
redis-server at 30% and starts it again, empty, 5 s later; `timeout` makes the gateway take every 200th
message but answer after the sender's 1 s timeout. A duplicate is a patient given the same text twice; a
silent loss is an invitation neither taken by the gateway nor recorded as failed or unknown; unknowns are
those still unknown at the end (the reconciliation by client reference settles them while the run goes on).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import fresh_database  # noqa: E402
from tests.sms_gateway import KEY, Behaviour, Gateway  # noqa: E402

SCENARIOS = ("plain", "kill", "redis", "timeout")


def redis_server(port: int, directory: str) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", directory], stdout=subprocess.DEVNULL)
    from redis import Redis

    conn = Redis(port=port)
    for _ in range(100):
        try:
            if conn.ping():
                return proc
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def worker(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "a") as out:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--sweep-interval", "1"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def prepare(url: str, n: int, gateway_url: str) -> dict:
    """The hospital, one campaign and N invitations due now; returns the settings the workers get."""
    from survey_web import create_app, timeutil
    from survey_web.campaigns import lifecycle
    from survey_web.campaigns.importing import import_rows
    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, SurveyPoint

    settings = {"FOLLOWUP_SMS_URL": gateway_url, "FOLLOWUP_SMS_KEY": KEY, "FOLLOWUP_SMS_RATE": "2000/second",
                "FOLLOWUP_SEND_TIMEOUT": "1", "FOLLOWUP_LEASE_SECONDS": "5", "PUBLIC_BASE_URL": "https://survey.test"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        hospital = Hospital(code="B", name="基准医院")
        ward = Department(hospital=hospital, code="W", name="心内科病区", kind="inpatient")
        db.session.add(SurveyPoint(department=ward, code="W-FU", name="出院随访", bank_code="discharge"))
        db.session.commit()
        campaign = lifecycle.create(hospital, "基准")
        day = timeutil.today() - timedelta(days=5)
        import_rows(campaign, ((i + 2, {"admission_no": f"B{i}", "name": f"患者{i}", "phone": f"13{i:09d}",
                                        "ward": "W", "discharged_on": day}) for i in range(n)))
        db.engine.dispose()
    return settings


def outcome(url: str, column: str = "state") -> dict[str, int]:
    """Invites by state (or by error code: an unknown later confirmed keeps its `timeout`)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {column}, count(*) FROM followup_messages WHERE kind = 'invite' "
                                 f"AND {column} IS NOT NULL GROUP BY {column}")).all()
    engine.dispose()
    return {value: count for value, count in rows}


def run(scenario: str, n: int, db_name: str, redis_port: int, workdir: str) -> dict:
    behaviour = Behaviour(stall_every=200 if scenario == "timeout" else 0, stall_seconds=2.0)
    url = fresh_database(db_name)
    redis_proc = redis_server(redis_port, workdir)
    log = Path(workdir) / f"worker-{scenario}.log"
    workers = []
    try:
        with Gateway(behaviour) as gateway:
            settings = prepare(url, n, gateway.url)
            env = {**os.environ, **settings, "DATABASE_URL": url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                   "PYTHONUNBUFFERED": "1"}
            env.setdefault("ANALYSIS_MODEL_DIR", str(ROOT / "instance" / "models"))
            workers.append(worker(env, log))
            started = time.monotonic()
            first = None
            faulted = False
            deadline = started + 900
            while time.monotonic() < deadline:
                taken = len(gateway.accepted)
                if first is None and taken:
                    first = time.monotonic()
                if not faulted and taken >= 0.3 * n and scenario in ("kill", "redis"):
                    faulted = True
                    if scenario == "kill":
                        stop(workers[-1])
                        workers.append(worker(env, log))
                    else:
                        redis_proc.kill()
                        redis_proc.wait(10)
                        time.sleep(5)
                        redis_proc = redis_server(redis_port, workdir)
                states = outcome(url)
                if sum(v for k, v in states.items() if k in ("sent", "failed")) == n:
                    break
                time.sleep(0.5)
            elapsed = time.monotonic() - (first or started)
            states = outcome(url)
            taken = len(gateway.accepted)
            recorded = states.get("failed", 0) + states.get("unknown", 0)
            errors = outcome(url, "error")
            return {"scenario": scenario, "n": n, "sent": states.get("sent", 0), "rate_per_s": round(taken / elapsed),
                    "duplicates": gateway.duplicates(), "offered_twice": sum(c - 1 for c in gateway.posts.values()),
                    "silent_losses": max(0, n - taken - recorded), "unknown_at_end": states.get("unknown", 0),
                    "unknown_then_confirmed": errors.get("timeout", 0) + errors.get("worker_lost", 0),
                    "seconds": round(elapsed, 1)}
    finally:
        for proc in workers:
            stop(proc)
        if redis_proc.poll() is None:
            redis_proc.kill()
            redis_proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--db", default="survey_fu_bench")
    parser.add_argument("--redis-port", type=int, default=6398)
    parser.add_argument("--scenario", choices=SCENARIOS, action="append")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is required")
    with tempfile.TemporaryDirectory() as workdir:
        for scenario in args.scenario or SCENARIOS:
            result = run(scenario, args.n, args.db, args.redis_port, workdir)
            print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
