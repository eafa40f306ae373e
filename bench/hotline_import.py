"""Time importing a 5,000-row 12345 work-order export (XLSX) into complaint cases.

    .venv/bin/python bench/hotline_import.py [--rows 5000] [--runs 3] [--backend postgresql|sqlite]

Builds its own database (PostgreSQL `hotline_bench`, dropped and made again, or a SQLite file in a temporary
directory), a hospital with 20 departments, and one realistic export with 1 row in 50 bad (the kinds
the tests use). Each run empties the case tables and imports the whole file the way
`flask complaints import-hotline` does: read, check every row, store the good ones as cases with encrypted
contact and both deadlines, commit once. Prints the median of the runs, the rows per second and the size
of the per-row report. A re-import of the same file is timed too (it adds nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEPARTMENTS = ["心内科", "骨科", "消化内科", "呼吸内科", "神经内科", "内分泌科", "肾内科", "普外科", "泌尿外科",
               "妇科", "产科", "儿科", "眼科", "耳鼻喉科", "口腔科", "皮肤科", "急诊科", "检验科", "放射科", "药剂科"]
HOSPITAL = "示范市第一人民医院"


def spoil(records: list[dict]) -> int:
    """Make one row in 50 bad, cycling through the kinds of fault seen in real exports; returns how many."""
    faults = [("order_no", ""), ("called_at", "2026-13-45 25:00"), ("department", f"{HOSPITAL}/不存在科"),
              ("text", "排队时间过长，" * 600), ("due_at", "2020-01-01 00:00:00")]
    spoiled = 0
    for index in range(0, len(records), 50):
        field, value = faults[spoiled % len(faults)]
        records[index][field] = value
        spoiled += 1
    return spoiled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--redis", help="also time handing each new case to the classifier through this Redis "
                                        "(a database of your own: it is emptied before and after)")
    args = parser.parse_args()

    from sqlalchemy import delete

    from bench.common import fresh_database
    from survey_web import create_app
    from survey_web.complaints.hotline import formats, samples
    from survey_web.complaints.hotline.importing import import_file
    from survey_web.extensions import db
    from survey_web.jobs.hotline import enqueue_classify_cases
    from survey_web.models import (
        AuditEvent,
        CaseEvent,
        ComplaintCase,
        Department,
        Hospital,
        HotlineImport,
        HotlineOrder,
        case_departments,
    )

    workdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    os.environ.pop("REDIS_URL", None)
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    os.environ["INSTANCE_PATH"] = str(workdir)  # its own secret and contact key, not the repository's
    if args.backend == "postgresql":
        url = fresh_database("hotline_bench")
    else:
        url = f"sqlite:///{workdir / 'bench.db'}"
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "DATABASE_URL": url})
    os.environ["DATABASE_URL"] = url
    app = create_app()
    fmt = formats.get("12345")
    records = samples.rows(fmt, args.rows, HOSPITAL, DEPARTMENTS, datetime(2026, 11, 2, 8))
    bad = spoil(records)
    data = samples.to_xlsx(fmt, records, title="12345热线工单导出")
    now = datetime(2026, 12, 5, 4, tzinfo=UTC)
    with app.app_context():
        hospital = Hospital(code="BENCH", name=HOSPITAL)
        db.session.add_all([Department(hospital=hospital, code=f"D{i:02d}", name=name, kind="inpatient")
                            for i, name in enumerate(DEPARTMENTS)])
        db.session.commit()
        times, enqueue_times, result = [], [], None
        redis = app.extensions["jobs"].get("redis") if args.redis else None
        for _ in range(args.runs):
            for table in (HotlineOrder, HotlineImport, CaseEvent, case_departments, ComplaintCase, AuditEvent):
                db.session.execute(delete(table))
            db.session.commit()
            began = time.perf_counter()
            result = import_file(hospital, data, "12345.xlsx", now=now)
            db.session.commit()
            times.append(time.perf_counter() - began)
            if redis is not None:
                redis.flushdb()
                began = time.perf_counter()
                enqueue_classify_cases(result.case_ids)
                enqueue_times.append(time.perf_counter() - began)
                redis.flushdb()
        began = time.perf_counter()
        again = import_file(hospital, data, "12345.xlsx", now=now)
        db.session.commit()
        again_time = time.perf_counter() - began
        record = result.record
        report = json.dumps(record.report, ensure_ascii=False).encode()
        median = statistics.median(times)
        print(f"backend {args.backend}, file {len(data) / 1024:.0f} KiB XLSX, {record.rows} rows ({bad} bad)")
        print(f"import: median {median:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in times)}), "
              f"{record.rows / median:.0f} rows/s; imported {record.imported}, reported {record.bad} bad rows")
        print(f"per-row report: {len(record.report['problems'])} problems, {len(report)} bytes as stored (JSON)")
        if enqueue_times:
            print(f"handing the {len(result.case_ids)} new cases to the classifier (one RQ job each): median "
                  f"{statistics.median(enqueue_times):.2f} s ({', '.join(f'{t:.2f}' for t in enqueue_times)})")
        print(f"re-import of the same file: {again_time:.2f} s, imported {again.record.imported}, "
              f"already there {again.record.already}")


if __name__ == "__main__":
    main()
