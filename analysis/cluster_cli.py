"""``python -m analysis cluster``: JSON Lines of one theme's negative comments in, problems out.

Input lines ``{"id": ..., "text": ...}``; output per input, same order,
``{"id": ..., "cluster": "<stable id>"|null, "title": "<short title>"|null}``; malformed lines
get ``{"id"?: ..., "error": "..."}`` like ``classify``. Clustering needs the whole batch, so
stdin is read to the end first. ``--previous FILE`` (last month's problems, as written by
``--save``) keeps ids stable across months.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.stream import _MISSING, parse_line


def _load_problems(path: Path):
    from analysis.cluster import Problem

    data = json.loads(path.read_text(encoding="utf-8"))
    return [Problem(p["id"], p["title"], p["size"], p["signature"]) for p in data["problems"]]


def run(args: argparse.Namespace) -> int:
    """Cluster stdin to stdout; returns the exit code."""
    from analysis.cluster import cluster_comments

    parsed = [parse_line(raw) for raw in sys.stdin.buffer.read().split(b"\n") if raw.strip()]
    texts = [text for _, text, err in parsed if err is None and text is not None]
    previous = _load_problems(args.previous) if args.previous and args.previous.exists() else None
    result = cluster_comments(texts, previous=previous)
    labels = iter(result.labels())
    out: list[str] = []
    for ident, text, err in parsed:
        rec: dict = {} if ident is _MISSING else {"id": ident}
        if err is not None or text is None:
            rec["error"] = err
        else:
            cluster, title = next(labels)
            rec.update(cluster=cluster, title=title)
        out.append(json.dumps(rec, ensure_ascii=False))
    if out:
        sys.stdout.write("\n".join(out) + "\n")
    if args.save:
        problems = [{"id": p.id, "title": p.title, "size": p.size, "signature": p.signature}
                    for p in result.problems]
        args.save.write_text(json.dumps({"problems": problems}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def register(sub) -> None:
    """Add the ``cluster`` sub-command to the analysis CLI's sub-parsers."""
    p = sub.add_parser("cluster", help="group one theme's negative comments (JSON Lines {id, text}) into problems")
    p.add_argument("--previous", type=Path, help="last month's problems (from --save): keep their ids")
    p.add_argument("--save", type=Path, help="write this run's problems (ids, titles, signatures) as JSON")
    p.set_defaults(func=run)
