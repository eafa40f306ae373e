"""Faults against the real PostgreSQL, Redis and RQ worker; prints sent, stored, classified, lost, duplicated.

    .venv/bin/python bench/faults.py [--scenario redis|kill|postgres|all] [--n 500]

redis     A private redis-server (port 6391) is stopped; N submissions arrive; it is started again and one
          worker runs. Reports how long after Redis returned the last comment was classified.
kill      N submissions queue up; a worker is SIGKILLed mid-queue; a new worker finishes the rest.
postgres  Submissions keep arriving while PostgreSQL restarts: each gets either a redirect (stored) or
          the 503 "try again" page; the app recovers by itself. Restarts the machine's PostgreSQL cluster.
Submissions go through the real survey view in this process (CSRF, validation, one transaction).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import database_url, fresh_database  # noqa: E402

DB = "survey_bench_faults"
DB_URL = database_url(DB)
PRIVATE_REDIS_PORT = 6391


def redis_server(action: str) -> None:
    if action == "start":
        subprocess.run(["redis-server", "--daemonize", "yes", "--port", str(PRIVATE_REDIS_PORT), "--bind",
                        "127.0.0.1", "--save", "", "--appendonly", "no"], check=True, capture_output=True)
        time.sleep(0.3)
    else:
        subprocess.run(["redis-cli", "-p", str(PRIVATE_REDIS_PORT), "shutdown", "nosave"], capture_output=True)
        time.sleep(0.3)


class Harness:
    """An app on the bench database with one survey point, and helpers to submit and count."""

    def __init__(self, redis_url: str):
        os.environ.update(DATABASE_URL=DB_URL, REDIS_URL=redis_url)
        from survey_web import create_app
        from survey_web.extensions import db
        from survey_web.models import Department, Hospital, SurveyPoint

        self.redis_url = redis_url
        self.app = create_app({"MIN_FILL_SECONDS": 0, "RATE_LIMIT_POINT": "1000000/minute",
                               "RATE_LIMIT_IP": "1000000/minute", "DUPLICATE_WINDOW_HOURS": 0})
        with self.app.app_context():
            department = Department(hospital=Hospital(code="F", name="故障演练医院"), code="D", name="内科",
                                    kind="outpatient")
            point = SurveyPoint(department=department, code="P", name="候诊区", bank_code="outpatient")
            db.session.add(point)
            db.session.commit()
            self.token = point.token
        self.client = self.app.test_client()

    def open(self) -> dict:
        html = self.client.get(f"/s/{self.token}").get_data(as_text=True)
        return dict(re.findall(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"', html))

    def post(self, fields: dict, i: int) -> int:
        return self.client.post(f"/s/{self.token}", data={**fields, "role": "patient", "q_overall": "4",
                                                          "q_comment": f"第{i}位：排队太久，停车也难"}).status_code

    def submit(self, i: int) -> int:
        return self.post(self.open(), i)

    def counts(self) -> dict:
        from sqlalchemy import func, select

        from survey_web.extensions import db
        from survey_web.models import Comment, CommentTheme, Response

        with self.app.app_context():
            stored = db.session.scalar(select(func.count(Response.id)))
            keys = db.session.scalar(select(func.count(func.distinct(Response.submission_key))))
            classified = db.session.scalar(select(func.count(Comment.id)).where(Comment.status == "done"))
            theme_rows = db.session.scalar(select(func.count(CommentTheme.id)))
            distinct = db.session.scalar(select(func.count()).select_from(
                select(CommentTheme.comment_id, CommentTheme.theme).distinct().subquery()))
            last = db.session.scalar(select(func.max(Comment.classified_at)))
        return {"stored": stored, "classified": classified, "duplicated": (stored - keys) + (theme_rows - distinct),
                "last_classified": last}

    def worker(self, *extra: str) -> subprocess.Popen:
        log = open(f"/tmp/faults_worker_{time.time_ns()}.log", "w")  # noqa: SIM115 - owned by the child
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--sweep-interval", "5",
                                 *extra], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True,
                                env={**os.environ, "DATABASE_URL": DB_URL, "REDIS_URL": self.redis_url})

    def wait_classified(self, n: int, timeout: float) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.counts()["classified"] >= n:
                return True
            time.sleep(0.5)
        return False


def report(name: str, sent: int, counts: dict, extra: str = "") -> None:
    lost = sent - counts["stored"]
    print(f"{name:<9} sent {sent:>5}  stored {counts['stored']:>5}  classified {counts['classified']:>5}  "
          f"lost {lost:>3}  duplicated {counts['duplicated']:>3}  {extra}")


def scenario_redis(n: int) -> None:
    from datetime import UTC, datetime

    fresh_database(DB)
    redis_server("start")
    harness = Harness(f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0")
    redis_server("stop")
    started = time.perf_counter()
    codes = [harness.submit(i) for i in range(n)]
    per_submit = (time.perf_counter() - started) / n
    redis_server("start")
    back = datetime.now(UTC)
    worker = harness.worker()
    harness.wait_classified(n, timeout=120)
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    counts = harness.counts()
    after = (counts["last_classified"] - back).total_seconds() if counts["last_classified"] else float("nan")
    report("redis", n, counts, f"(all 302: {codes.count(302) == n}; {per_submit * 1000:.0f} ms per submit "
                               f"with Redis down; last classified {after:.1f} s after Redis returned)")
    redis_server("stop")


def scenario_kill(n: int) -> None:
    fresh_database(DB)
    redis_server("start")
    harness = Harness(f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0")
    for i in range(n):
        harness.submit(i)
    worker = harness.worker()
    while harness.counts()["classified"] < n // 4:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its scheduler child, as a crashed service's cgroup
    worker.wait()
    at_kill = harness.counts()["classified"]
    survivor = harness.worker()
    harness.wait_classified(n, timeout=180)
    survivor.send_signal(signal.SIGTERM)
    survivor.wait(30)
    report("kill", n, harness.counts(), f"(worker SIGKILLed after {at_kill} classified)")
    redis_server("stop")


def scenario_postgres(n: int) -> None:
    fresh_database(DB)
    redis_server("start")
    harness = Harness(f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0")
    cluster = sorted(os.listdir("/etc/postgresql"))[0]
    restart = subprocess.Popen(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"])
    codes = []
    for i in range(n):
        try:
            fields = harness.open()
        except Exception:  # noqa: BLE001 - the GET itself may meet the outage; keep the last good form
            fields = {}
        codes.append(harness.post(fields, i) if fields else 503)
    restart.wait()
    for i in range(n, n + 20):  # after the restart the same process must work again, unrestarted
        codes.append(harness.submit(i))
    worker = harness.worker("--burst")
    worker.wait(180)
    counts = harness.counts()
    ok, unavailable = codes.count(302), codes.count(503)
    # 'sent' counts the submissions the app accepted (302); a 503 told its respondent to try again.
    report("postgres", ok, counts,
           f"(of {len(codes)} attempts: 302 {ok}, 503 try-again {unavailable}, other {len(codes) - ok - unavailable}; "
           f"stored == 302s: {counts['stored'] == ok}; last 20 after restart all 302: "
           f"{codes[-20:].count(302) == 20})")
    redis_server("stop")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", choices=["redis", "kill", "postgres", "all"], default="all")
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    for name, run in (("redis", scenario_redis), ("kill", scenario_kill), ("postgres", scenario_postgres)):
        if args.scenario in (name, "all"):
            run(args.n)


if __name__ == "__main__":
    main()
