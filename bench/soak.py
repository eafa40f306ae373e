"""Soak: survey submissions at a steady rate for minutes, watching errors, latency, the queue and memory.

    flock /tmp/bench.lock .venv/bin/python bench/soak.py [--minutes 10] [--rate 50]

1. Creates PostgreSQL database `survey_bench_soak`, migrates it, adds 20 survey points; empties Redis db 12.
2. Starts gunicorn on 127.0.0.1:8098 with bench/load.py's settings (-w 4 -k gthread --threads 4) and one
   real worker (`flask --app wsgi worker`), then opens every form the run will need first (a GET each:
   own device cookie, CSRF session and form token), so each POST is a fresh, valid, distinct submission.
3. A paced sender POSTs them at --rate per second from a pool of threads for --minutes. Latency counts
   from each request's scheduled time, as wrk2 does, so a stalled server cannot hide its queueing.
4. Every 30 s it prints errors so far, the interval's latency p50/p99, the classify queue depth, pending
   comments in the database and the RSS of every gunicorn process and of the RQ worker.
5. At the end: sent, stored, errors, classified, max queue depth, RSS at minute 1 against the end, and
   PASS/FAIL for zero errors, a worker that keeps up, and flat memory.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import http.client
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    child_pids,
    database_url,
    fresh_database,
    open_form,
    rss_kib,
    server_env,
    start_gunicorn,
    stop,
)

DB = "survey_bench_soak"
DB_URL = database_url(DB)
REDIS_URL = "redis://127.0.0.1:6379/12"
PORT = 8098
BASE = f"http://127.0.0.1:{PORT}"
SAMPLE_EVERY = 30
DRAIN_SECONDS = 60  # every comment must be classified this long after the last submission
BACKLOG_SECONDS = 10  # "bounded" queue: never more than this many seconds of arrivals waiting
MEMORY_TOLERANCE = 0.10
SENDERS = 32
TIMEOUT = 10
GRACE = 30  # the sender gives up this long after the last scheduled send; the rest count as unsent
WORKER_LOG = Path("/tmp/bench_soak_worker.log")
COMMENTS = ["医生很专业，但是停车太难了", "护士态度很好，就是晚上病房太吵", "排队缴费等了一个小时",
            "厕所不太干净，希望改进", "挂号很方便，小程序好用", "饭菜太咸了，老人吃不惯"]


def prepare() -> list[str]:
    """A fresh database with one hospital and 20 survey points, an empty Redis db; returns the QR tokens."""
    from redis import Redis

    fresh_database(DB)
    Redis.from_url(REDIS_URL).flushdb()
    os.environ.update(server_env(DB_URL, REDIS_URL))
    from survey_web import create_app
    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, SurveyPoint

    app = create_app()
    with app.app_context():
        department = Department(hospital=Hospital(code="SOAK", name="浸泡测试医院"), code="D", name="内科",
                                kind="outpatient")
        points = [SurveyPoint(department=department, code=f"P{i}", name=f"候诊区{i}", bank_code="outpatient")
                  for i in range(20)]
        db.session.add_all(points)
        db.session.commit()
        return [p.token for p in points]


def start_worker() -> subprocess.Popen:
    """One RQ worker as the README runs it; returns once its classifier is loaded."""
    with WORKER_LOG.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT,
                                env=server_env(DB_URL, REDIS_URL), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while "loaded" not in WORKER_LOG.read_text():
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"the worker did not start; see {WORKER_LOG}")
        time.sleep(0.2)
    return proc


def answers(i: int) -> dict:
    """A complete outpatient submission; the comment differs per submission so no two jobs are alike."""
    return {"role": "patient", "q_overall": "4", "q_waiting": "2", "q_doctor_communication": "5",
            "q_parking": "na", "q_comment": f"{COMMENTS[i % len(COMMENTS)]}（第{i}位）"}


def open_forms(tokens: list[str], count: int) -> list[tuple[str, str, str]]:
    """COUNT opened forms spread over the points, each from its own phone."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda i: open_form(BASE, tokens[i % len(tokens)], answers(i)), range(count)))


@dataclass
class PacedSender:
    """POSTs FORMS[i] at START + i / RATE from a pool of threads, each on a fresh loopback connection."""

    forms: list[tuple[str, str, str]]
    rate: float
    start: float = 0.0
    done: list[tuple[float, float, int]] = field(default_factory=list)  # (finished, latency s, status)
    errors: collections.Counter = field(default_factory=collections.Counter)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.forms) / self.rate

    def run(self) -> None:
        self.start = time.perf_counter() + 0.5
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(SENDERS)]
        for thread in self._threads:
            thread.start()

    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def snapshot(self) -> tuple[list[tuple[float, float, int]], int]:
        """The answered POSTs so far and the number of errors among them."""
        with self._lock:
            return list(self.done), sum(self.errors.values())

    def _take(self) -> int | None:
        with self._lock:
            i, self._next = self._next, self._next + 1
        give_up = self.start + self.seconds + GRACE
        return i if i < len(self.forms) and time.perf_counter() < give_up else None

    def _loop(self) -> None:
        while (i := self._take()) is not None:
            due = self.start + i / self.rate
            time.sleep(max(0.0, due - time.perf_counter()))
            status = self._post(*self.forms[i])
            finished = time.perf_counter()
            with self._lock:
                self.done.append((finished, finished - due, status))

    def _post(self, path: str, cookie: str, body: str) -> int:
        # A fresh connection per POST, as phones make: keep-alive would race gunicorn's 2 s idle close.
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT)
        try:
            conn.request("POST", path, body, {"Cookie": cookie, "Connection": "close",
                                              "Content-Type": "application/x-www-form-urlencoded"})
            reply = conn.getresponse()
            reply.read()
            status = reply.status
        except (OSError, http.client.HTTPException) as error:
            status = 0
            with self._lock:
                self.errors[type(error).__name__] += 1
        finally:
            conn.close()
        if status != 302 and status:
            with self._lock:
                self.errors[f"HTTP {status}"] += 1
        return status


class Probe:
    """Reads the queue, the database and /proc while the soak runs."""

    def __init__(self, master: int, worker: int):
        from redis import Redis
        from sqlalchemy import create_engine

        self.redis = Redis.from_url(REDIS_URL)
        self.engine = create_engine(DB_URL, pool_size=1)
        self.pids = {"gunicorn master": master}
        self.pids.update({f"gunicorn worker {n}": pid for n, pid in enumerate(child_pids(master), 1)})
        self.pids["rq worker"] = worker
        self.worker = worker

    def queue_depth(self) -> int:
        return self.redis.llen("rq:queue:classify")

    def counts(self) -> dict[str, int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            row = conn.execute(text(
                "SELECT (SELECT count(*) FROM responses), count(*) FILTER (WHERE status = 'pending'), "
                "count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'failed') "
                "FROM comments")).one()
        return dict(zip(("stored", "pending", "classified", "failed"), row, strict=True))

    def rss(self) -> dict[str, int | None]:
        """KiB per process; the worker's scheduler child is added when it appears."""
        for pid in child_pids(self.worker):
            self.pids.setdefault("rq scheduler", pid)
        return {name: rss_kib(pid) for name, pid in self.pids.items()}

    def restarted_workers(self) -> list[int]:
        """gunicorn workers that were not there at the start (a crash or a timeout kill)."""
        known = set(self.pids.values())
        return [pid for pid in child_pids(self.pids["gunicorn master"]) if pid not in known]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def sample(sender: PacedSender, probe: Probe, since: float) -> dict:
    """One row: the figures of the interval since SINCE (perf_counter) and the state now."""
    now = time.perf_counter()
    done, errors = sender.snapshot()
    interval = [latency for finished, latency, _status in done if since < finished <= now]
    return {"t": now - sender.start, "at": now, "sent": len(done), "errors": errors,
            "p50": percentile(interval, 0.50) * 1000, "p99": percentile(interval, 0.99) * 1000,
            "queue": probe.queue_depth(), **probe.counts(), "rss": probe.rss()}


def header(probe: Probe) -> str:
    names = "".join(f"{short(name):>9}" for name in probe.rss())
    return f"{'t s':>6}{'sent':>7}{'errors':>7}{'p50 ms':>8}{'p99 ms':>8}{'queue':>7}{'pending':>8}{'classified':>11}  RSS MiB:{names}"


def short(name: str) -> str:
    return {"gunicorn master": "master", "rq worker": "rq", "rq scheduler": "rq-sched"}.get(
        name, name.replace("gunicorn worker ", "w"))


def show(row: dict) -> None:
    rss = "".join(f"{(kib or 0) / 1024:>9.1f}" for kib in row["rss"].values())
    print(f"{row['t']:>6.0f}{row['sent']:>7}{row['errors']:>7}{row['p50']:>8.1f}{row['p99']:>8.1f}"
          f"{row['queue']:>7}{row['pending']:>8}{row['classified']:>11}          {rss}", flush=True)


def watch(sender: PacedSender, probe: Probe) -> tuple[list[dict], int]:
    """Rows every SAMPLE_EVERY s while sending and one at the end; also the deepest queue seen (polled each s)."""
    rows, deepest, since = [], 0, sender.start
    end, due = sender.start + sender.seconds, sender.start
    while due < end:
        due = min(due + SAMPLE_EVERY, end)
        while time.perf_counter() < due and sender.alive():
            deepest = max(deepest, probe.queue_depth())
            time.sleep(min(1.0, max(0.0, due - time.perf_counter())))
        if due >= end:
            sender.join()  # the end row is taken once the last POST has answered
        rows.append(sample(sender, probe, since))
        show(rows[-1])
        since = rows[-1]["at"]
    return rows, max(deepest, *(r["queue"] for r in rows))


def drain(probe: Probe) -> float | None:
    """Seconds until nothing is pending or queued, or None if that takes over DRAIN_SECONDS."""
    started = time.perf_counter()
    while time.perf_counter() - started < DRAIN_SECONDS:
        if probe.counts()["pending"] == 0 and probe.queue_depth() == 0:
            return time.perf_counter() - started
        time.sleep(0.5)
    return None


def memory_table(rows: list[dict]) -> list[tuple[str, int | None, int | None, float | None]]:
    """(process, KiB at minute 1, KiB at the end, ratio) per process."""
    minute = next((r for r in rows if r["t"] >= 60 - 1), rows[-1])
    table = []
    for name, end in rows[-1]["rss"].items():
        first = minute["rss"].get(name)
        table.append((name, first, end, end / first if first and end else None))
    return table


def verdict(ok: bool, text: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {text}")


def report(args, sender: PacedSender, rows: list[dict], deepest: int, drained: float | None, probe: Probe) -> None:
    counts = probe.counts()
    ok = sum(1 for _f, _l, status in sender.done if status == 302)
    unsent = len(sender.forms) - len(sender.done)
    errors = sum(sender.errors.values()) + unsent
    bound = int(args.rate * BACKLOG_SECONDS)
    everything = [latency for _f, latency, _s in sender.done]
    print(f"\n{args.rate:g}/s for {args.minutes:g} min: sent {len(sender.done)} (planned {len(sender.forms)}, "
          f"unsent {unsent}), accepted 302 {ok}, stored {counts['stored']}, errors {errors}"
          f"{f' {dict(sender.errors)}' if sender.errors else ''}")
    print(f"latency over the run: p50 {percentile(everything, 0.5) * 1000:.1f} ms, "
          f"p99 {percentile(everything, 0.99) * 1000:.1f} ms, max {max(everything, default=0) * 1000:.1f} ms")
    print(f"classified {counts['classified']}, failed {counts['failed']}, pending {counts['pending']}; "
          f"max queue depth {deepest} (bound {bound}); "
          f"drained {f'{drained:.1f} s' if drained is not None else f'NOT within {DRAIN_SECONDS} s'} after the end")
    half = rows[(len(rows) - 1) // 2]
    later = (rows[-1]["classified"] - half["classified"]) / max(rows[-1]["t"] - half["t"], 1e-9)
    print(f"worker throughput while sending: {rows[-1]['classified'] / rows[-1]['t']:.1f} classified/s over the run, "
          f"{later:.1f}/s from {half['t']:.0f} s on (arrivals {args.rate:g}/s)")
    restarted = probe.restarted_workers()
    if restarted:
        print(f"gunicorn workers started during the run (a worker died): {restarted}")
    print(f"\n{'process':<18}{'minute 1 MiB':>13}{'end MiB':>9}{'ratio':>7}")
    table = memory_table(rows)
    for name, first, end, ratio in table:
        print(f"{name:<18}{(first or 0) / 1024:>13.1f}{(end or 0) / 1024:>9.1f}"
              f"{f'{ratio:.3f}' if ratio else 'gone':>7}")
    print()
    verdict(errors == 0 and ok == counts["stored"] == len(sender.forms),
            f"zero errors: {errors} errors, {ok} accepted, {counts['stored']} stored of {len(sender.forms)}")
    verdict(deepest <= bound and drained is not None and counts["classified"] == counts["stored"],
            f"worker keeps up: max queue depth {deepest} (bound {bound}), {counts['classified']} of "
            f"{counts['stored']} classified, drained within {DRAIN_SECONDS} s of the end: {drained is not None}")
    flat = all(ratio is not None and abs(ratio - 1) <= MEMORY_TOLERANCE for _n, _f, _e, ratio in table) \
        and not restarted
    verdict(flat, f"memory flat within {MEMORY_TOLERANCE:.0%}: "
                  + ", ".join(f"{short(n)} {r:.3f}" if r else f"{short(n)} gone" for n, _f, _e, r in table))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    tokens = prepare()
    server = start_gunicorn("wsgi:app", PORT, server_env(DB_URL, REDIS_URL), args.workers, args.threads,
                            "/healthz")
    worker = None
    try:
        worker = start_worker()
        count = int(args.minutes * 60 * args.rate)
        started = time.time()
        forms = open_forms(tokens, count)
        print(f"opened {len(forms)} forms in {time.time() - started:.0f}s; gunicorn -w {args.workers} "
              f"--threads {args.threads} + PostgreSQL + Redis + 1 worker on loopback", flush=True)
        probe = Probe(server.pid, worker.pid)
        sender = PacedSender(forms, args.rate)
        print(header(probe), flush=True)
        sender.run()
        rows, deepest = watch(sender, probe)
        drained = drain(probe)
        report(args, sender, rows, deepest, drained, probe)
    finally:
        if worker is not None:
            stop(worker)
        stop(server)


if __name__ == "__main__":
    main()
