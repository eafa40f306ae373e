"""Faults against the real PostgreSQL, Redis and RQ worker; prints sent, stored, classified, lost, duplicated.

    .venv/bin/python bench/faults.py [--scenario redis|kill|postgres|all] [--n 500]
    .venv/bin/python bench/faults.py --scenario heal [--n 300] [--db NAME] [--redis-port 6391]

redis     A private redis-server (port 6391) is stopped; N submissions arrive; it is started again and one
          worker runs. Reports how long after Redis returned the last comment was classified.
kill      N submissions queue up; a worker is SIGKILLed mid-queue; a new worker finishes the rest.
postgres  Submissions keep arriving while PostgreSQL restarts: each gets either a redirect (stored) or
          the 503 "try again" page; the app recovers by itself. Restarts the machine's PostgreSQL cluster.
Submissions go through the real survey view in this process (CSRF, validation, one transaction).

heal      Against gunicorn (2 processes x 2 threads) and one `flask worker` as deployed (default sweep
          interval), every submission a new phone over HTTP, a private Redis and the bench's own database;
          the worker is never restarted by hand. Three faults, each timed from the moment it ends:
          pgreset   pg_terminate_backend on every connection to the bench database (web and worker) three
                    times during N submissions: HTTP statuses seen, seconds until all N are classified;
          redis     the private Redis killed for 10 s (restarted empty) while N/3 submissions arrive:
                    seconds until the same worker is registered again, has its scheduler, and every
                    comment (those sent during the outage come back through the sweeper) is classified;
          replace   the worker's process group SIGKILLed and a new worker started at once; its pooled
                    connections are reset so a comment's first attempt fails: seconds until the retry
                    (due 5 s after the failure) has classified it.
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


HEAL_PORT = 8391


class Live:
    """gunicorn 2x2 and one `flask worker` on database DB and the private Redis; phones submit over HTTP."""

    def __init__(self, db: str):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        from bench.common import server_env, start_gunicorn

        self.db, self.db_url = db, fresh_database(db)
        redis_server("start")
        self.redis_url = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
        self.env = server_env(self.db_url, self.redis_url)
        self.engine = create_engine(self.db_url, poolclass=NullPool)  # counts survive any reset
        self.token = self._make_point()
        self.web = start_gunicorn("wsgi:app", HEAL_PORT, self.env, 2, 2, "/healthz")
        self.codes: list[int] = []
        self.worker = self.start_worker()

    def _make_point(self) -> str:
        os.environ.update(self.env)
        from survey_web import create_app
        from survey_web.extensions import db
        from survey_web.models import Department, Hospital, SurveyPoint

        with create_app().app_context():
            department = Department(hospital=Hospital(code="F", name="故障演练医院"), code="D", name="内科",
                                    kind="outpatient")
            point = SurveyPoint(department=department, code="P", name="候诊区", bank_code="outpatient")
            db.session.add(point)
            db.session.commit()
            token = point.token
            db.engine.dispose()
        return token

    def start_worker(self) -> subprocess.Popen:
        log = open(f"/tmp/faults_heal_worker_{time.time_ns()}.log", "w")  # noqa: SIM115 - owned by the child
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True, env=self.env)

    def request(self, method: str, path: str, cookie: str = "", body: str | None = None):
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", HEAL_PORT, timeout=15)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        reply = conn.getresponse()
        text = reply.read().decode(errors="replace")
        conn.close()
        self.codes.append(reply.status)
        return reply, text

    def submit(self, i: int) -> None:
        """One phone: open the form, post it, follow to the thanks page; a 503 is tried again, as a person would."""
        import urllib.parse

        path = f"/s/{self.token}"
        for _ in range(20):
            page, html = self.request("GET", path)
            if page.status != 200:
                time.sleep(0.2)
                continue
            cookie = "; ".join(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [])
            body = urllib.parse.urlencode({**dict(re.findall(
                r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"', html)),
                "role": "patient", "q_overall": "4", "q_comment": f"第{i}位：排队太久，停车也难"})
            reply, _ = self.request("POST", path, cookie, body)
            if reply.status in (302, 303):
                self.request("GET", reply.getheader("Location"), cookie)
                return
            time.sleep(0.2)
        raise RuntimeError(f"submission {i} not stored after 20 tries")

    def classified(self) -> tuple[int, int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return tuple(conn.execute(text("SELECT count(*), count(*) FILTER (WHERE status = 'done') "
                                           "FROM comments")).one())

    def wait_classified(self, n: int, timeout: float) -> float | None:
        """Seconds until N comments are classified, or None after TIMEOUT."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.classified()[1] >= n:
                return time.monotonic() - started
            time.sleep(0.25)
        return None

    def terminate_backends(self) -> int:
        from sqlalchemy import create_engine, text

        from bench.common import PG_ADMIN

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # only this bench's own database
            killed = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                      "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": self.db})
        admin.dispose()
        return killed

    def redis(self):
        from redis import Redis

        return Redis.from_url(self.redis_url, socket_connect_timeout=1, socket_timeout=2)

    def worker_state(self) -> tuple[bool, bool]:
        """(this worker is registered in Redis, some scheduler holds the classify lock)."""
        from rq import Worker

        try:
            conn = self.redis()
            registered = any(w.pid == self.worker.pid for w in Worker.all(connection=conn))
            return registered, bool(conn.exists("rq:scheduler-lock:classify"))
        except Exception:  # noqa: BLE001 - Redis may still be down
            return False, False

    def close(self) -> None:
        from bench.common import stop

        if self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            self.worker.wait(30)
        stop(self.web)
        redis_server("stop")
        self.engine.dispose()


def _statuses(codes: list[int]) -> str:
    return ", ".join(f"{code}: {codes.count(code)}" for code in sorted(set(codes)))


def heal_pgreset(live: Live, n: int) -> None:
    import threading

    done = threading.Event()
    sender = threading.Thread(target=lambda: ([live.submit(i) for i in range(n)], done.set()))
    sender.start()
    resets = []
    for fraction in (0.25, 0.5, 0.75):
        while live.classified()[0] < n * fraction and not done.is_set():
            time.sleep(0.05)
        resets.append(live.terminate_backends())
    last_reset = time.monotonic()
    sender.join()
    took = live.wait_classified(n, 180)
    recovered = time.monotonic() - last_reset if took is not None else float("nan")
    print(f"pgreset   {n} phones over HTTP, connections killed 3x ({'/'.join(map(str, resets))} backends): "
          f"HTTP {_statuses(live.codes)}; all {n} classified {recovered:.1f} s after the last reset, "
          f"worker pid unchanged: {live.worker.poll() is None}")


def heal_redis(live: Live, n: int) -> None:
    base = live.classified()[0]
    live.codes.clear()
    redis_server("stop")
    down_at = time.monotonic()
    for i in range(n):
        live.submit(base + i)
    time.sleep(max(0.0, 10 - (time.monotonic() - down_at)))
    redis_server("start")
    back = time.monotonic()
    registered = scheduler = None
    while time.monotonic() - back < 120 and (registered is None or scheduler is None):
        state = live.worker_state()
        registered = registered or (time.monotonic() - back if state[0] else None)
        scheduler = scheduler or (time.monotonic() - back if state[1] else None)
        time.sleep(0.25)
    live.submit(base + n)  # one more after the return: enqueued at once
    took = live.wait_classified(base + n + 1, 180)
    total = time.monotonic() - back if took is not None else float("nan")
    print(f"redis     Redis down {back - down_at:.0f} s, {n} phones during it: HTTP {_statuses(live.codes)}; "
          f"after Redis returned: worker registered again {registered:.1f} s, scheduler {scheduler:.1f} s, "
          f"all classified {total:.1f} s (sweeper); same worker pid: {live.worker.poll() is None}")


def heal_replace(live: Live, rounds: int = 3) -> None:
    results = []
    for _ in range(rounds):
        os.killpg(live.worker.pid, signal.SIGKILL)
        live.worker.wait()
        lock_ttl = live.redis().ttl("rq:scheduler-lock:classify")
        live.worker = live.start_worker()
        while not live.worker_state()[0]:
            time.sleep(0.2)
        live.terminate_backends()  # the new worker's first attempt meets a dead connection and fails
        base = live.classified()[1]
        live.submit(base)
        took = live.wait_classified(base + 1, 180)
        results.append((lock_ttl, took))
    shown = "; ".join(f"lock had {ttl} s left, classified after {took:.1f} s" for ttl, took in results)
    print(f"replace   worker SIGKILLed, new one started at once, first attempt failed (retry due at 5 s): {shown}")


def scenario_heal(n: int, db: str) -> None:
    live = Live(db)
    try:
        while not live.worker_state()[0]:
            time.sleep(0.2)
        heal_pgreset(live, n)
        heal_redis(live, max(1, n // 3))
        heal_replace(live)
    finally:
        live.close()


def main() -> None:
    global PRIVATE_REDIS_PORT
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", choices=["redis", "kill", "postgres", "heal", "all"], default="all")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--db", default=DB, help="the bench's own database (dropped and created again)")
    parser.add_argument("--redis-port", type=int, default=PRIVATE_REDIS_PORT, help="the private redis-server")
    args = parser.parse_args()
    PRIVATE_REDIS_PORT = args.redis_port
    if args.scenario == "heal":
        scenario_heal(args.n, args.db)
        return
    for name, run in (("redis", scenario_redis), ("kill", scenario_kill), ("postgres", scenario_postgres)):
        if args.scenario in (name, "all"):
            run(args.n)


if __name__ == "__main__":
    main()
