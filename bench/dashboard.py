"""Time the month's dashboard, `flask indicators` and `flask problem-list` against SELECT count(*).

    .venv/bin/python bench/generate.py          # once: builds survey_bench (1M responses, 300k comments)
    .venv/bin/python bench/dashboard.py [--month YYYY-MM] [--runs 5]

Everything runs in one process against PostgreSQL `survey_bench`: pages through the app's test client
signed in as each role (so the full request path: login session, scoping, SQL, charts, templates),
the commands through Flask's CLI runner. Each figure is the median of RUNS; the ratio is against a plain
`SELECT count(*)` over the month's responses measured in the same run.

"cold" is the first view after the indicator cache was emptied (it counts the month, the month before
and the 12-month trend from the answers and stores them); "warm" is every later view. The worker's warming
job (every 10 minutes) fills the cache before anyone looks: "first view after the warming job" is what a
person meets on the first of a month. The running month is
cached day by day: "last day" is the report at 20:00 on the month's last day, with 30 days from the
cache and that day counted live; "no cache" counts the whole month from the answers.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{os.environ.get('BENCH_DB', 'survey_bench')}"
PASSWORD = "bench-password-2025"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def signed_in(app, username: str):
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    reply = client.post("/staff/login", data={"csrf_token": token,
                                              "username": username, "password": PASSWORD})
    assert reply.status_code == 302, f"sign-in as {username} failed ({reply.status_code})"
    return client


def get_ok(client, url: str):
    def fetch():
        reply = client.get(url)
        assert reply.status_code == 200, f"{url}: HTTP {reply.status_code}"
    return fetch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", help="YYYY-MM (default: last month)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.pop("REDIS_URL", None)
    from sqlalchemy import func, select, text

    from survey_web import create_app
    from survey_web.extensions import db
    from survey_web.models import Response
    from survey_web.reporting.cube import clear_cache, warm
    from survey_web.reporting.periods import Month
    from survey_web.reporting.scope import Scope
    from survey_web.reporting.service import month_report

    app = create_app({"RATELIMIT_ENABLED": False})
    month = Month.parse(args.month) if args.month else Month.current().shift(-1)
    runs = args.runs
    rows: list[tuple[str, float]] = []
    # Requests run outside any app context, as in production: each gets its own context and `g`.
    quality, admin = signed_in(app, "quality"), signed_in(app, "admin")
    head, commission = signed_in(app, "head"), signed_in(app, "commission")

    def count():
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Response).where(
                Response.submitted_at >= month.start, Response.submitted_at < month.end))
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Response))
        clear_cache()
    responses = count()
    baseline = median_time(count, runs)
    page = f"/dashboard/?month={month}"
    began = time.perf_counter()
    get_ok(admin, page)()
    rows.append(("dashboard, admin (all 5 hospitals), cold cache", time.perf_counter() - began))
    with app.app_context():
        clear_cache()
        began = time.perf_counter()
        warm()
    rows.append(("warming job (jobs/reporting.py) from an empty cache, 14 months", time.perf_counter() - began))
    began = time.perf_counter()
    get_ok(admin, page)()
    rows.append(("dashboard, admin (all 5 hospitals), first view after the warming job", time.perf_counter() - began))
    for label, client in (("quality (1 hospital)", quality), ("admin (all 5 hospitals)", admin),
                          ("dept head (1 department)", head)):
        rows.append((f"dashboard, {label}, warm", median_time(get_ok(client, page), runs)))
    rows.append(("commission view (5 hospitals side by side), warm",
                 median_time(get_ok(commission, f"/commission/?month={month}"), runs)))

    def running():
        with app.test_request_context("/"):
            month_report(Scope(), month, now=month.end - timedelta(hours=4))
    running()  # counts the month's first 30 days into the cache once, as the first view of a day does
    rows.append(("report, all hospitals, running month on its last day (today live)", median_time(running, runs)))

    def live():
        with app.test_request_context("/"):
            month_report(Scope(), month, live=True)
    rows.append(("report, all hospitals, whole month counted live (no cache)", median_time(live, runs)))
    runner = app.test_cli_runner()
    for label, extra in (("all hospitals", []), ("--hospital H01", ["--hospital", "H01"])):
        def indicators(extra=extra):
            with app.app_context():  # as the `flask` command itself provides
                result = runner.invoke(args=["indicators", "--month", str(month), *extra])
            assert result.exit_code == 0, result.output
        rows.append((f"flask indicators --month {month} {label}", median_time(indicators, runs)))
    if "problem-list" in app.cli.commands:
        with app.app_context():  # so that the first run below really generates the list
            db.session.execute(text("TRUNCATE problem_lists, problem_items, problem_notes CASCADE"))
            db.session.commit()

        def problem_list():
            with app.app_context():
                result = runner.invoke(args=["problem-list", "--month", str(month), "--hospital", "H01"])
            assert result.exit_code == 0, result.output
        began = time.perf_counter()
        problem_list()
        rows.append((f"flask problem-list --month {month} --hospital H01, first (generates)",
                     time.perf_counter() - began))
        rows.append((f"flask problem-list --month {month} --hospital H01", median_time(problem_list, runs)))
    else:
        rows.append(("flask problem-list: command not registered", float("nan")))

    print(f"\n{total:,} responses in survey_bench; {month}: {responses:,} responses. Median of {runs}.")
    print(f"{'what':<66} {'seconds':>8} {'x count(*)':>11}")
    print(f"{'SELECT count(*) over the month (baseline)':<66} {baseline:8.3f} {1:>11.0f}")
    for label, seconds in rows:
        print(f"{label:<66} {seconds:8.3f} {seconds / baseline:>11.0f}")


if __name__ == "__main__":
    main()
