"""Time the complaint office's pages, the register export and the deadline watch on a year of cases.

    .venv/bin/python bench/complaints.py [--cases 5000] [--runs 5]

Builds PostgreSQL `survey_cmp_bench` afresh (migrated), one hospital with 8 departments and CASES cases
spread over the last 365 days (a quarter of them open, some overdue), then prints the median of RUNS for:
the case list (open tab), one case page, the quarter's register XLSX, the quarterly analysis page and its
PDF, the handling figures, one deadline watch round over every open case (`watch.check`, what the worker's
tick runs; its first round records the reminders, later rounds find nothing new), and one deadline
computation (`deadline_for`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-2025"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def build(count: int) -> None:
    from survey_web.accounts.passwords import hash_password
    from survey_web.complaints import cases
    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, User, utcnow

    rng = random.Random(15)
    hospital = Hospital(code="B1", name="基准医院")
    departments = [Department(hospital=hospital, code=f"D{i}", name=f"科室{i}", kind="outpatient") for i in range(8)]
    office = User(username="tsb", display_name="投诉办", role="complaints", hospital=hospital,
                  password_hash=hash_password(PASSWORD))
    db.session.add_all([hospital, *departments, office])
    db.session.commit()
    now = utcnow()
    texts = ["挂号排队太久，工作人员态度冷淡", "护士操作粗暴，呼叫铃没人应", "收费不清楚，多收了检查费",
             "停车位太少，排队一小时", "医生解释病情太简单，听不懂"]
    for n in range(count):
        received = now - timedelta(days=rng.uniform(0, 365))
        chosen = rng.sample(departments, 2 if rng.random() < 0.2 else 1)
        case = cases.open_case(hospital_id=hospital.id, channel=rng.choice(["onsite", "phone", "letter", "online"]),
                               text=rng.choice(texts), received_by=office, departments=chosen,
                               complainant="张三", contact="13812345678", contact_consent=True, received_at=received)
        if rng.random() < 0.75:
            cases.reply(case, "已答复", by=office, at=received + timedelta(days=rng.uniform(0.5, 9)))
            cases.record_outcome(case, "已整改", by=office, at=received + timedelta(days=10))
            cases.close(case, by=office, at=received + timedelta(days=11))
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()
    from survey_web.complaints.classify import classify_pending_now

    classify_pending_now()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from bench.common import fresh_database

    os.environ["DATABASE_URL"] = fresh_database("survey_cmp_bench")
    os.environ.pop("REDIS_URL", None)
    import re
    from datetime import date

    from survey_web import create_app
    from survey_web.complaints import watch
    from survey_web.complaints.deadlines import deadline_for
    from survey_web.extensions import db
    from survey_web.models import ComplaintCase
    from survey_web.reporting.periods import Quarter

    app = create_app({"RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()})
    with app.app_context():
        began = time.perf_counter()
        build(args.cases)
        print(f"built {args.cases} cases in {time.perf_counter() - began:.1f} s")
        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert client.post("/staff/login", data={"csrf_token": token, "username": "tsb",
                                                 "password": PASSWORD}).status_code == 302
        case_id = db.session.query(ComplaintCase.id).order_by(ComplaintCase.id.desc()).limit(1).scalar()
        quarter = Quarter.latest()
        rows = []

        def get(url):
            def fetch():
                reply = client.get(url)
                assert reply.status_code == 200, (url, reply.status_code)
            return fetch

        for name, url in [("case list (open)", "/complaints/"), ("case page", f"/complaints/{case_id}"),
                          (f"register XLSX {quarter}", f"/complaints/register.xlsx?quarter={quarter}"),
                          (f"quarterly page {quarter}", f"/complaints/quarterly?quarter={quarter}"),
                          (f"quarterly PDF {quarter}", f"/complaints/quarterly?quarter={quarter}&format=pdf"),
                          ("handling figures", f"/complaints/stats?quarter={quarter}")]:
            rows.append((name, median_time(get(url), args.runs)))
        first = time.perf_counter()
        watch.check()
        rows.append(("watch round, first (records reminders)", time.perf_counter() - first))
        rows.append(("watch round, later", median_time(watch.check, args.runs)))
        day = date(2026, 9, 30)
        per = median_time(lambda: [deadline_for(day, m) for m in (False, True) * 500], args.runs) / 1000
        open_cases = db.session.query(ComplaintCase).filter(ComplaintCase.status == "open").count()
        print(f"{args.cases} cases ({open_cases} open), median of {args.runs} runs, PostgreSQL:")
        for name, seconds in rows:
            print(f"  {name:<42} {seconds * 1000:8.1f} ms")
        print(f"  {'deadline_for (one case)':<42} {per * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
