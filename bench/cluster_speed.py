"""Speed of clustering a month of negative comments: ``analysis.cluster`` per theme batch.

The month is synthesised (not real comments): each comment recombines one or two clauses of
hand-written comments of the same theme and problem from ``analysis/eval/clusters/problems.jsonl``,
with optional opening/closing fragments, so that most texts are distinct. Themes get unequal
shares (a few large, many small), as in the 1M-response bench month.

The month is processed the way the monthly job would: one ``cluster_comments`` call per theme
(each batch clusters at most ``analysis.cluster.SAMPLE`` distinct texts exactly and assigns the
rest to the nearest centroid); batches are independent, so ``--workers`` processes share them.
Peak memory is the largest resident set of the parent or of any one worker. Prints wall time (start-up, corpus IDF and jieba loading
included) and peak resident memory.

With ``--path generation`` (the default) the month goes through the monthly job's own code: the
comments are stored (with their negative theme, in 6 departments of one hospital) in a fresh database
(SQLite, or with ``--backend postgresql`` the local server's, migrated), together with a previous month
of the same size whose lists were generated first (so the current month matches last month's problems).
Seeding is not timed. Then each of ``--runs`` runs copies the seeded database and times, in a fresh
process (imports, jieba and the corpus IDF loading included), ``survey_web.problems.generate.generate_hospital``:
reading the month, clustering it, storing the groups, drafting the hospital's and every department's list
with their linked comments; the median is printed last. ``--path core`` times ``analysis.cluster.cluster_batches``
alone.

Usage: python bench/cluster_speed.py [--n 300000] [--seed 1] [--workers 2] [--path generation|core]
                                    [--backend sqlite|postgresql] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EVAL = REPO / "analysis" / "eval" / "clusters" / "problems.jsonl"
OPENERS = ["", "", "", "说实话，", "唉，", "反映一下，", "上次来也是这样，", "住院期间发现", "建议改进：", "我想说"]
CLOSERS = ["", "", "", "，希望改进", "，太不方便了", "。", "！！", "，希望医院重视", "，请尽快解决", "，体验很差"]


def synthesise(n: int, seed: int) -> dict[str, list[str]]:
    """``n`` synthetic negative comments grouped by theme (recombined eval texts)."""
    rng = random.Random(seed)
    pools: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with open(EVAL, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            clauses = [c for c in re.split(r"[，,。！!？?；; ]+", row["text"]) if c]
            pools[row["theme"]][row["problem"]].extend(clauses)
    themes = sorted(pools)
    weights = [1.0 / (rank + 1) for rank in range(len(themes))]  # skewed theme sizes
    rng.shuffle(weights)
    month: dict[str, list[str]] = defaultdict(list)
    for theme in rng.choices(themes, weights=weights, k=n):
        problem = rng.choice(sorted(pools[theme]))
        clauses = pools[theme][problem]
        body = "，".join(rng.sample(clauses, min(len(clauses), rng.choice((1, 2, 2, 3)))))
        month[theme].append(rng.choice(OPENERS) + body + rng.choice(CLOSERS))
    return dict(month)


def _store_month(month_name: str, comments: dict[str, list[str]], points: list[int], seed: int) -> None:
    """Responses with one comment each and its negative theme, spread over MONTH_NAME and POINTS."""
    import uuid
    from datetime import timedelta

    from sqlalchemy import insert, select

    from survey_web import banks
    from survey_web.extensions import db
    from survey_web.models import Comment, CommentTheme, Response
    from survey_web.timeutil import month_window

    rng = random.Random(seed)
    start, end = month_window(month_name)
    span = int((end - start).total_seconds()) - 1
    version = banks.ensure_version(banks.current("outpatient"))
    rows = [(theme, text) for theme, texts in comments.items() for text in texts]
    for at in range(0, len(rows), 20_000):
        chunk = rows[at:at + 20_000]
        keys = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in chunk]
        times = [start + timedelta(seconds=rng.randint(0, span)) for _ in chunk]
        db.session.execute(insert(Response), [
            {"point_id": rng.choice(points), "bank_version_id": version, "role": "patient", "language": "zh_CN",
             "mode": "self", "started_at": when, "submitted_at": when, "submission_key": key,
             "contact_consent": False} for key, when in zip(keys, times, strict=True)])
        ids = dict(db.session.execute(select(Response.submission_key, Response.id)
                                      .where(Response.submission_key.in_(keys))).all())
        db.session.execute(insert(Comment), [
            {"response_id": ids[key], "text": text, "status": "done", "created_at": when, "urgent": False}
            for key, when, (_theme, text) in zip(keys, times, chunk, strict=True)])
        comment_ids = dict(db.session.execute(select(Comment.response_id, Comment.id)
                                              .where(Comment.response_id.in_(list(ids.values())))).all())
        db.session.execute(insert(CommentTheme), [
            {"comment_id": comment_ids[ids[key]], "theme": theme, "polarity": "neg", "confidence": 0.9,
             "source": "model"} for key, (theme, _text) in zip(keys, chunk, strict=True)])
        db.session.commit()


PG_SEED, PG_RUN = "survey_cluster_seed", "survey_cluster_run"


def _app(url: str):
    from survey_web import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})


def _analyze(backend: str) -> None:
    """Fresh planner statistics after a bulk load (this server runs without autovacuum: without them
    PostgreSQL plans the month's read as nested loops over 300,000 rows and takes many minutes)."""
    from sqlalchemy import text

    from survey_web.extensions import db

    if backend == "postgresql":
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def seed_database(backend: str, n: int, seed: int, workers: int) -> str:
    """A database with two stored months of N comments, the first generated; returns its URL."""
    import tempfile

    from survey_web.extensions import db
    from survey_web.models import Department, Hospital, SurveyPoint
    from survey_web.problems.generate import generate_hospital

    if backend == "postgresql":
        from bench.common import fresh_database

        url = fresh_database(PG_SEED)
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='cluster-bench-')) / 'seed.sqlite'}"
    app = _app(url)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        hospital = Hospital(code="B1", name="基准医院")
        for i, name in enumerate(["门诊部", "急诊科", "心内科", "骨科", "儿科", "药剂科"]):
            department = Department(hospital=hospital, code=f"D{i}", name=name, kind="outpatient")
            for j in range(3):
                db.session.add(SurveyPoint(department=department, code=f"P{i}{j}", name=f"{name}{j}号点",
                                           bank_code="outpatient"))
        db.session.add(hospital)
        db.session.commit()
        points = [p.id for p in db.session.query(SurveyPoint)]
        _store_month("2025-09", synthesise(n, seed + 1), points, seed + 1)
        _analyze(backend)
        generate_hospital(hospital.id, "2025-09", workers=workers)
        _store_month("2025-10", synthesise(n, seed), points, seed)
        _analyze(backend)
        db.session.remove()
        db.engine.dispose()
    return url


def run_copy(seed_url: str) -> str:
    """A fresh copy of the seeded database (a file copy, or CREATE DATABASE ... TEMPLATE); returns its URL."""
    if seed_url.startswith("sqlite:///"):
        import shutil

        source = Path(seed_url.removeprefix("sqlite:///"))
        shutil.copyfile(source, source.with_name("run.sqlite"))
        return f"sqlite:///{source.with_name('run.sqlite')}"
    from sqlalchemy import create_engine, text

    from bench.common import PG_ADMIN, database_url

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_RUN}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_RUN}" TEMPLATE "{PG_SEED}"'))
    admin.dispose()
    return database_url(PG_RUN)


def time_generation(url: str, workers: int) -> None:
    """Time generate_hospital of the stored second month (this process is fresh: imports, jieba and the
    corpus IDF load inside the timed span, as in a worker's first job)."""
    start = time.perf_counter()
    from sqlalchemy import func, select

    from survey_web.extensions import db
    from survey_web.models import Hospital, ProblemItemSource
    from survey_web.problems.generate import generate_hospital

    app = _app(url)
    with app.app_context():
        hospital_id = db.session.scalar(select(Hospital.id).where(Hospital.code == "B1"))
        results = generate_hospital(hospital_id, "2025-10", workers=workers)
        elapsed = time.perf_counter() - start
        items = sum(item.source == "cluster" for pl, _ in results for item in pl.items)
        links = db.session.scalar(select(func.count()).select_from(ProblemItemSource))
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(f"generate_hospital {elapsed:.1f} s ({len(results)} lists, {items} specific problems, {links} linked "
          f"comments), peak RSS {peak_mb:.0f} MB, load average {os.getloadavg()[0]:.1f}", flush=True)


def through_generation(backend: str, n: int, seed: int, workers: int, runs: int) -> None:
    """Seed once, then time generate_hospital RUNS times, each on a fresh copy in a fresh process."""
    import statistics
    import subprocess

    seeding = time.perf_counter()
    seed_url = seed_database(backend, n, seed, workers)
    print(f"{backend} ({seed_url}): seeded two months of {n} comments and generated the first in "
          f"{time.perf_counter() - seeding:.0f} s (not timed)", flush=True)
    times = []
    for _ in range(runs):
        url = run_copy(seed_url)
        out = subprocess.run([sys.executable, __file__, "--time", url, "--workers", str(workers)], check=True,
                             capture_output=True, text=True).stdout
        print(out.strip(), flush=True)
        times.append(float(out.split()[1]))
    print(f"{backend}, {n} comments, {workers} worker(s): median of {runs} {statistics.median(times):.1f} s "
          f"(runs: {', '.join(f'{t:.1f}' for t in times)})")


def main() -> None:
    """Time the per-theme clustering of a synthetic month and print time and peak memory."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="processes (theme batches are independent)")
    ap.add_argument("--path", choices=("generation", "core"), default="generation")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                    help=f"postgresql: databases {PG_SEED} and {PG_RUN} on the local server (dropped and made)")
    ap.add_argument("--runs", type=int, default=1, help="timed generations, each on a fresh copy of the seed")
    ap.add_argument("--time", metavar="URL", help=argparse.SUPPRESS)  # one timed run (a child process)
    args = ap.parse_args()
    if args.time:
        time_generation(args.time, args.workers)
        return
    if args.path == "generation":
        through_generation(args.backend, args.n, args.seed, args.workers, args.runs)
        return
    month = synthesise(args.n, args.seed)
    distinct = sum(len(set(v)) for v in month.values())
    start = time.perf_counter()
    from analysis.cluster import cluster_batches

    results = cluster_batches(month, workers=args.workers)
    problems = sum(len(r.problems) for r in results.values())
    grouped = sum(a is not None for r in results.values() for a in r.assignment)
    for theme in sorted(month):
        print(f"  {theme:12s} {len(month[theme]):7d} comments {len(results[theme].problems):4d} problems")
    elapsed = time.perf_counter() - start
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(f"{args.n} comments ({distinct} distinct texts) in {len(month)} theme batches, {args.workers} worker(s): "
          f"{elapsed:.1f} s, peak RSS {peak_mb:.0f} MB, {problems} problems, {grouped} comments grouped")


if __name__ == "__main__":
    main()
