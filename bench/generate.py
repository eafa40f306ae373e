"""Build the dashboard benchmark database: 1,000,000 responses, ~12 answers each, 300,000 comments.

    .venv/bin/python bench/generate.py [--responses 1000000] [--comments 300000] [--months 12]

Drops and recreates PostgreSQL database `survey_bench`, migrates it with the app's own migrations
(`flask db upgrade`), creates 5 hospitals x 12 departments x 3 survey points and staff sign-ins
(`quality`, `admin`, `commission`, `head` with password BENCH_PASSWORD), then generates the rows inside
PostgreSQL with INSERT ... SELECT over generate_series (nothing crosses the wire row by row).
Responses are spread evenly over the last MONTHS complete months (Asia/Shanghai), ids rising with time
as they do in production. Comments reuse the labelled corpus, whose labels become the 'model' themes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import database_url, fresh_database  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB", "survey_bench")
DB_URL = database_url(DB_NAME)
BENCH_PASSWORD = "bench-password-2025"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEPARTMENTS = [  # (code, name, kind, bank of its points, quality offset)
    ("OPD", "门诊部", "outpatient", "outpatient", 0.0), ("ED", "急诊科", "emergency", "emergency", -0.35),
    ("CARD", "心血管内科", "inpatient", "inpatient", 0.25), ("ORTH", "骨科", "inpatient", "inpatient", -0.2),
    ("PED", "儿科", "inpatient", "family", 0.1), ("OBG", "妇产科", "inpatient", "inpatient", 0.15),
    ("ONC", "肿瘤科", "inpatient", "inpatient", 0.05), ("NEU", "神经内科", "inpatient", "family", -0.1),
    ("GS", "普外科", "inpatient", "inpatient", -0.05), ("PHAR", "药剂科", "pharmacy", "outpatient", 0.1),
    ("LAB", "检验科", "medtech", "outpatient", -0.15), ("PSC", "患者服务中心", "support", "discharge", 0.2),
]
HOSPITALS = [("H01", "市第一人民医院"), ("H02", "市中医院"), ("H03", "市妇幼保健院"), ("H04", "市第二人民医院"),
             ("H05", "城东区人民医院")]
POINTS_PER_DEPARTMENT = 3


def step(label: str, started: list[float]) -> None:
    now = time.perf_counter()
    print(f"  {label:<44} {now - started[0]:6.1f} s", flush=True)
    started[0] = now


def month_bounds(months: int) -> tuple[datetime, datetime]:
    """The first instant of the month MONTHS before this one and of this month, Asia/Shanghai."""
    now = datetime.now(SHANGHAI)
    end = datetime(now.year, now.month, 1, tzinfo=SHANGHAI)
    index = end.year * 12 + end.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=SHANGHAI), end


def organisation(app) -> None:
    """Hospitals, departments, points, bank versions and the staff sign-ins, through the ORM (small)."""
    from survey_web import banks
    from survey_web.accounts.passwords import hash_password
    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, SurveyPoint, User

    with app.app_context():
        banks.sync_all()
        hospitals = []
        for code, name in HOSPITALS:
            hospital = Hospital(code=code, name=name)
            hospitals.append(hospital)
            for d_code, d_name, kind, bank, _offset in DEPARTMENTS:
                department = Department(hospital=hospital, code=d_code, name=d_name, kind=kind)
                for i in range(1, POINTS_PER_DEPARTMENT + 1):
                    db.session.add(SurveyPoint(department=department, code=f"{code}-{d_code}-{i}",
                                               name=f"{d_name}{i}号点", bank_code=bank))
        db.session.flush()
        secret = hash_password(BENCH_PASSWORD)
        first = hospitals[0]
        head_department = next(d for d in first.departments if d.code == "CARD")
        db.session.add_all([
            User(username="quality", display_name="质控办", role="quality", password_hash=secret, hospital=first),
            User(username="admin", display_name="管理员", role="admin", password_hash=secret),
            User(username="commission", display_name="市卫健委", role="commission", password_hash=secret,
                 hospital=first, hospitals=hospitals),
            User(username="head", display_name="心内科主任", role="dept_head", password_hash=secret,
                 hospital=first, department=head_department),
        ])
        db.session.commit()


def corpus() -> list[dict]:
    rows = []
    for path in sorted((ROOT / "analysis" / "corpus").glob("part*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def generate(conn, args, start: datetime, end: datetime, timer: list[float]) -> None:
    from question_banks import load_banks

    cur = conn.cursor()
    cur.execute("SELECT setseed(0.2025)")
    offsets = {code: offset for code, _n, _k, _b, offset in DEPARTMENTS}
    cur.execute("CREATE UNLOGGED TABLE bench_points (idx int, point_id int, bank text, version_id int, offset_ float)")
    cur.execute("""
        SELECT p.id, p.bank_code, d.code, (SELECT max(id) FROM bank_versions v WHERE v.code = p.bank_code)
        FROM survey_points p JOIN departments d ON d.id = p.department_id ORDER BY p.id""")
    points = cur.fetchall()
    with cur.copy("COPY bench_points FROM STDIN") as copy:
        for idx, (point_id, bank, d_code, version_id) in enumerate(points):
            copy.write_row((idx, point_id, bank, version_id, offsets[d_code]))
    cur.execute("CREATE UNLOGGED TABLE bench_questions (bank text, code text, kind text, na bool)")
    with cur.copy("COPY bench_questions FROM STDIN") as copy:
        for bank in load_banks().values():
            for q in bank.questions:
                if q.type != "text":
                    copy.write_row((bank.code, q.code, q.type, q.na))
    # A small month-by-month drift per question, so some dimensions rise and others fall.
    cur.execute("""CREATE UNLOGGED TABLE bench_drift AS
        SELECT q.code, m, (random() - 0.5) * 0.5 AS shift
        FROM (SELECT DISTINCT code FROM bench_questions) q, generate_series(0, %s) m""", (args.months,))
    seconds = (end - start).total_seconds()
    cur.execute("""
        CREATE UNLOGGED TABLE bench_stage AS
        SELECT x.*,
               (extract(year FROM x.submitted_at AT TIME ZONE 'Asia/Shanghai') * 12
                + extract(month FROM x.submitted_at AT TIME ZONE 'Asia/Shanghai'))::int - %(first)s AS month,
               x.offset_ + (random() + random() + random() + random() - 2) * 1.55
               + CASE WHEN x.mode = 'volunteer_assisted' THEN 0.3 ELSE 0 END AS mood
        FROM (SELECT r.g AS id, p.point_id, p.bank, p.version_id, p.offset_,
                     %(start)s::timestamptz + make_interval(secs => (r.g - 1 + random()) * %(span)s) AS submitted_at,
                     CASE WHEN random() < 0.15 THEN 'volunteer_assisted' ELSE 'self' END AS mode,
                     random() AS r_role
              FROM (SELECT g, floor(random() * %(points)s)::int AS pick FROM generate_series(1, %(n)s) g) r
              JOIN bench_points p ON p.idx = r.pick) x""",
                {"start": start, "span": seconds / args.responses, "n": args.responses, "points": len(points),
                 "first": start.year * 12 + start.month})
    # A slow improvement over the year, as a campaign would hope to show.
    cur.execute("UPDATE bench_stage SET mood = mood + month * 0.02")
    step("staging (responses with a mood)", timer)
    cur.execute("""
        INSERT INTO responses (id, point_id, bank_version_id, role, language, mode, started_at, submitted_at,
                               submission_key, device_hash, contact_consent)
        SELECT id, point_id, version_id,
               CASE WHEN bank = 'family' OR r_role < 0.22 THEN 'family' ELSE 'patient' END,
               'zh_CN', mode, submitted_at - interval '3 minutes', submitted_at, md5(id::text), NULL, false
        FROM bench_stage ORDER BY id""")
    cur.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), %s)", (args.responses,))
    step(f"responses: {args.responses:,}", timer)
    cur.execute("""
        INSERT INTO answers (response_id, question_code, score, option)
        SELECT id, code,
               CASE WHEN kind = 'scale' AND NOT (na AND r_na < 0.12) THEN
                    least(5, greatest(1, round(4.1 + mood + shift
                                              + (random() + random() + random() - 1.5) * 1.2)))::smallint END,
               CASE WHEN kind = 'choice' THEN
                         CASE WHEN mood + random() * 1.6 > 0.2 THEN 'willing'
                              WHEN mood + random() * 1.6 > -0.6 THEN 'unsure' ELSE 'unwilling' END
                    WHEN na AND r_na < 0.12 THEN 'na' END
        FROM (SELECT s.id, s.mood, q.code, q.kind, q.na, d.shift, random() AS r_na, random() AS r_skip
              FROM bench_stage s
              JOIN bench_questions q ON q.bank = s.bank
              JOIN bench_drift d ON d.code = q.code AND d.m = s.month) x
        WHERE r_skip < 0.97
        ORDER BY id""")
    cur.execute("SELECT count(*) FROM answers")
    step(f"answers: {cur.fetchone()[0]:,}", timer)
    texts = corpus()
    cur.execute("CREATE UNLOGGED TABLE bench_texts (idx int, negative bool, text text, themes jsonb, urgent bool)")
    negatives = [t for t in texts if "neg" in t["themes"].values()]
    others = [t for t in texts if "neg" not in t["themes"].values()]
    with cur.copy("COPY bench_texts FROM STDIN") as copy:
        for pool, negative in ((negatives, True), (others, False)):
            for idx, row in enumerate(pool):
                copy.write_row((idx, negative, row["text"], json.dumps(row["themes"]), bool(row.get("urgent"))))
    share = args.comments / args.responses
    cur.execute("""
        CREATE UNLOGGED TABLE bench_comments AS
        SELECT s.id AS response_id, s.submitted_at,
               (random() < greatest(0.15, least(0.9, 0.45 - s.mood * 0.35))) AS negative, random() AS pick
        FROM bench_stage s WHERE random() < %s""", (share,))
    cur.execute("""
        INSERT INTO comments (response_id, text, created_at, status, attempts, classified_at, model_version,
                              urgent, urgent_reason)
        SELECT c.response_id, t.text, c.submitted_at, 'done', 1, c.submitted_at + interval '2 seconds', 'bench',
               t.urgent, CASE WHEN t.urgent THEN 'safety' END
        FROM bench_comments c
        JOIN bench_texts t ON t.negative = c.negative
             AND t.idx = floor(c.pick * CASE WHEN c.negative THEN %s ELSE %s END)::int
        ORDER BY c.response_id""", (len(negatives), len(others)))
    cur.execute("SELECT count(*) FROM comments")
    step(f"comments: {cur.fetchone()[0]:,}", timer)
    cur.execute("""
        INSERT INTO comment_themes (comment_id, theme, polarity, confidence, source)
        SELECT c.id, j.key, j.value, 0.9, 'model'
        FROM comments c JOIN bench_texts t ON t.text = c.text, jsonb_each_text(t.themes) j
        ON CONFLICT DO NOTHING""")
    # Staff corrected about 2% of comments: their rows replace the model's for those comments.
    cur.execute("""
        INSERT INTO comment_themes (comment_id, theme, polarity, confidence, source)
        SELECT comment_id, theme, CASE WHEN polarity = 'neg' THEN 'pos' ELSE 'neg' END, NULL, 'staff'
        FROM comment_themes WHERE source = 'model' AND comment_id % 50 = 0""")
    cur.execute("""
        INSERT INTO urgent_alerts (comment_id, reason, created_at)
        SELECT id, 'safety', created_at FROM comments WHERE urgent""")
    cur.execute("SELECT count(*) FROM comment_themes")
    step(f"comment themes: {cur.fetchone()[0]:,} (+ urgent alerts)", timer)
    for table in ("bench_stage", "bench_points", "bench_questions", "bench_drift", "bench_texts", "bench_comments"):
        cur.execute(f"DROP TABLE {table}")
    conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--comments", type=int, default=300_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    timer = [time.perf_counter()]
    began = timer[0]
    print(f"building {DB_NAME}: {args.responses:,} responses, ~{args.comments:,} comments over {args.months} months")
    fresh_database(DB_NAME)
    step("database created and migrated", timer)
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.pop("REDIS_URL", None)
    from survey_web import create_app

    app = create_app()
    organisation(app)
    step("organisation and staff", timer)
    start, end = month_bounds(args.months)
    import psycopg

    with psycopg.connect(DB_URL.replace("+psycopg", "")) as conn:
        generate(conn, args, start, end, timer)
    with psycopg.connect(DB_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    step("vacuum analyze", timer)
    print(f"done in {time.perf_counter() - began:.0f} s; months {start:%Y-%m} .. {end:%Y-%m} (exclusive); "
          f"sign in as quality / admin / commission / head with {BENCH_PASSWORD}")


if __name__ == "__main__":
    main()
