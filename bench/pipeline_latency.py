"""Submit-to-classified latency through Redis and one real RQ worker at a steady submission rate.

    .venv/bin/python bench/pipeline_latency.py [--rate 20] [--seconds 30]

Uses PostgreSQL database `survey_bench_pipeline` (created and migrated here) and Redis db 14; submissions
go through the real survey view (CSRF, validation, one transaction, enqueue after commit). Latency is
`classified_at - submitted_at` as stored in the database. Prints p50, p95 and max, and the counts.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import fresh_database  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/14"
COMMENTS = ["医生很专业，但是停车太难了", "护士态度很好，就是晚上病房太吵", "排队缴费等了一个小时",
            "厕所不太干净，希望改进", "挂号很方便，小程序好用", "饭菜太咸了，老人吃不惯"]


def prepare() -> None:
    os.environ.update(DATABASE_URL=fresh_database("survey_bench_pipeline"), REDIS_URL=REDIS_URL)
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    prepare()

    from sqlalchemy import select

    from survey_web import create_app
    from survey_web.extensions import db
    from survey_web.models import Comment, Department, Hospital, Response, SurveyPoint

    app = create_app({"MIN_FILL_SECONDS": 0, "RATE_LIMIT_POINT": "100000/minute",
                      "RATE_LIMIT_IP": "100000/minute", "DUPLICATE_WINDOW_HOURS": 0})
    with app.app_context():
        hospital = Hospital(code="B", name="基准医院")
        department = Department(hospital=hospital, code="D", name="内科", kind="outpatient")
        point = SurveyPoint(department=department, code="P", name="候诊区", bank_code="outpatient")
        db.session.add_all([hospital, department, point])
        db.session.commit()
        token = point.token

    log_path = Path("/tmp/bench_pipeline_worker.log")
    with log_path.open("w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                                   "--sweep-interval", "600"], cwd=ROOT, env=dict(os.environ), stdout=log,
                                  stderr=subprocess.STDOUT)
    # Wait until the worker has its model loaded, so we measure steady state, not start-up.
    while "loaded" not in log_path.read_text():
        time.sleep(0.2)
    client = app.test_client()
    total = int(args.rate * args.seconds)
    start = time.perf_counter()
    submit_times = []
    for i in range(total):
        due = start + i / args.rate
        time.sleep(max(0.0, due - time.perf_counter()))
        html = client.get(f"/s/{token}").get_data(as_text=True)
        fields = dict(re.findall(r'name="(csrf_token|form_token)" type="hidden" value="([^"]*)"', html))
        t0 = time.perf_counter()
        reply = client.post(f"/s/{token}", data={**fields, "role": "patient", "q_overall": "4",
                                                 "q_comment": f"{COMMENTS[i % len(COMMENTS)]}（{i}）"})
        submit_times.append(time.perf_counter() - t0)
        assert reply.status_code == 302, reply.status_code
    deadline = time.time() + 60
    with app.app_context():
        while time.time() < deadline:
            pending = db.session.scalar(select(Comment.id).where(Comment.status == "pending").limit(1))
            db.session.rollback()
            if pending is None:
                break
            time.sleep(0.2)
        rows = db.session.execute(select(Response.submitted_at, Comment.classified_at)
                                  .join(Comment, Comment.response_id == Response.id)).all()
    worker.terminate()
    try:
        worker.wait(15)
    except subprocess.TimeoutExpired:
        worker.kill()
    latencies = sorted((c - s).total_seconds() for s, c in rows if c is not None)
    stored, classified = len(rows), len(latencies)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f"rate {args.rate}/s for {args.seconds:.0f}s: sent {total}, stored {stored}, classified {classified}")
    print(f"submit (web, in-process) median {statistics.median(submit_times) * 1000:.1f} ms")
    print(f"submit-to-classified  p50 {pct(0.50):.3f} s   p95 {pct(0.95):.3f} s   max {latencies[-1]:.3f} s")


if __name__ == "__main__":
    main()
