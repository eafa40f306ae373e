"""Sustained survey submissions per second: gunicorn + PostgreSQL (+ Redis enqueue), driven by wrk.

    flock /tmp/bench.lock .venv/bin/python bench/load.py [--seconds 15] [--connections 16] [--workers 2] [--threads 2]

1. Creates PostgreSQL database `survey_bench_load`, migrates it, adds 20 survey points.
2. Starts gunicorn on 127.0.0.1:8099 with REDIS_URL set (each submission enqueues a classify job) and
   opens enough survey forms first (a GET each: own device cookie, CSRF session and form token), so
   every POST in the run is a fresh, valid, distinct submission.
3. wrk POSTs them for --seconds at --connections, and reports requests/s and the latency distribution.
4. The same gunicorn settings serve a bare Flask endpoint that does one INSERT (bench/bare_app.py, with the
   app's pool settings); wrk drives it the same way in the same run: the ratio survey/bare is the figure.
The defaults suit the 2-core machine: a process per core, and a second thread in each so that a request
waiting on PostgreSQL or Redis leaves the core to another; more threads only queue on the GIL (p99 grows)
and the bare endpoint is as fast with 2 x 2 as with 4 x 4.
Stored rows are counted afterwards: every 302 must be one stored response.
Needs Debian's wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import database_url, fresh_database, server_env, start_gunicorn, stop  # noqa: E402
from bench.common import open_form as common_open_form  # noqa: E402

DB = "survey_bench_load"
DB_URL = database_url(DB)
REDIS_URL = "redis://127.0.0.1:6379/13"
PORT = 8099
LUA = r"""
local lines, n, i, step = {}, 0, 0, 1
local counter = 0
function setup(thread) thread:set("offset", counter); counter = counter + 1 end
function init(args)
  for line in io.lines(args[1]) do table.insert(lines, line) end
  n = #lines; step = tonumber(args[2]); i = offset
end
function request()
  i = (i % n) + 1
  local path, cookie, body = lines[i]:match("([^\t]*)\t([^\t]*)\t(.*)")
  i = i + step - 1
  return wrk.format("POST", path, {["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""


def sh(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs)


def prepare_database() -> list[str]:
    from sqlalchemy import create_engine, text

    fresh_database(DB)
    engine = create_engine(DB_URL)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_bare (id serial PRIMARY KEY, payload text, at timestamptz "
                          "DEFAULT now())"))
    engine.dispose()
    os.environ.update(server_env(DB_URL, REDIS_URL))
    from survey_web import create_app
    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, SurveyPoint

    app = create_app()
    with app.app_context():
        hospital = Hospital(code="LOAD", name="压测医院")
        department = Department(hospital=hospital, code="D", name="内科", kind="outpatient")
        points = [SurveyPoint(department=department, code=f"P{i}", name=f"候诊区{i}", bank_code="outpatient")
                  for i in range(20)]
        db.session.add_all([hospital, department, *points])
        db.session.commit()
        return [p.token for p in points]


ANSWERS = {"role": "patient", "q_overall": "4", "q_waiting": "2", "q_doctor_communication": "5",
           "q_parking": "na", "q_comment": "医生很专业，但是停车太难了"}


def open_form(token: str) -> str:
    """GET one survey as a new phone; returns 'path<TAB>cookie<TAB>body' for a valid POST."""
    return "\t".join(common_open_form(f"http://127.0.0.1:{PORT}", token, ANSWERS))


def run_wrk(script: Path, lines: Path, seconds: int, connections: int, url: str) -> dict:
    out = sh("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url, "--",
             str(lines), "2").stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups() for p in ("50", "90", "99")}
    to_ms = {"us": 0.001, "ms": 1, "s": 1000}
    return {"rate": rate, "total": total, "errors": int(bad.group(1)) if bad else 0,
            **{f"p{p}": float(v) * to_ms[u] for p, (v, u) in latency.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    tokens = prepare_database()
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    tmp = Path(tempfile.mkdtemp())
    script = tmp / "post.lua"
    script.write_text(LUA)

    env = server_env(DB_URL, REDIS_URL)
    server = start_gunicorn("wsgi:app", PORT, env, args.workers, args.threads, "/healthz")
    try:
        need = args.seconds * 900  # more forms than the run can use: no POST is ever a resend
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            lines = list(pool.map(open_form, (tokens[i % len(tokens)] for i in range(need))))
        print(f"opened {len(lines)} forms in {time.time() - started:.0f}s")
        (tmp / "survey.tsv").write_text("\n".join(lines))
        survey = run_wrk(script, tmp / "survey.tsv", args.seconds, args.connections, f"http://127.0.0.1:{PORT}")
    finally:
        stop(server)
    from sqlalchemy import create_engine, text

    engine = create_engine(DB_URL)
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM responses"))
        comments = conn.scalar(text("SELECT count(*) FROM comments"))
    engine.dispose()
    queued = Redis.from_url(REDIS_URL).llen("rq:queue:classify")

    bare_server = start_gunicorn("bench.bare_app:app", PORT, env, args.workers, args.threads, "/ping")
    try:
        (tmp / "bare.tsv").write_text("\n".join(f"/bare\t\tpayload=row{i}" for i in range(1000)))
        bare = run_wrk(script, tmp / "bare.tsv", args.seconds, args.connections, f"http://127.0.0.1:{PORT}")
    finally:
        stop(bare_server)

    print(f"gunicorn -w {args.workers} --threads {args.threads}, wrk -t2 -c{args.connections} "
          f"-d{args.seconds}s, PostgreSQL + Redis on loopback")
    print(f"{'endpoint':<22}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, r in (("survey submit", survey), ("bare one-row INSERT", bare)):
        print(f"{name:<22}{r['rate']:>9.0f}{r['p50']:>9.1f}{r['p90']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}")
    print(f"ratio survey/bare: {survey['rate'] / bare['rate']:.2f}")
    print(f"survey POSTs {survey['total']}, stored responses {stored}, comments {comments}, "
          f"classify jobs queued {queued}")


if __name__ == "__main__":
    main()
