"""Clustering quality on the project's own evaluation set ``analysis/eval/clusters/problems.jsonl``.

The comments were written for the project and grouped by hand following ``analysis/CLUSTERING.md``.
Themes are split dev/test by a stable hash of the theme code; parameters were tuned on dev only.
Each theme is clustered as its own batch (as the monthly job does). For the scores, comments the
clusterer leaves ungrouped (``None``) each count as a cluster of their own.

Usage: python bench/cluster_eval.py [--part test|dev|all] [--titles 10] [--distance D]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EVAL = REPO / "analysis" / "eval" / "clusters" / "problems.jsonl"


def part_of(theme: str) -> str:
    """Stable dev/test split by theme code."""
    return "test" if int(hashlib.sha1(theme.encode()).hexdigest(), 16) % 2 else "dev"


def load(part: str) -> dict[str, list[dict]]:
    """Evaluation rows of one part, grouped by theme, in a stable shuffled order."""
    by_theme: dict[str, list[dict]] = defaultdict(list)
    with open(EVAL, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if part in ("all", part_of(row["theme"])):
                by_theme[row["theme"]].append(row)
    for rows in by_theme.values():
        rows.sort(key=lambda r: hashlib.sha1(r["id"].encode()).hexdigest())
    return dict(by_theme)


def evaluate(part: str, **kwargs) -> tuple[dict[str, float], list[tuple[str, str, int, list[str], list[str]]]]:
    """ARI and V-measure over all themes of ``part`` (labels prefixed by theme), plus the groups."""
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    from analysis.cluster import cluster_comments

    gold: list[str] = []
    pred: list[str] = []
    groups: list[tuple[str, str, int, list[str], list[str]]] = []
    for theme, rows in sorted(load(part).items()):
        result = cluster_comments([r["text"] for r in rows], **kwargs)
        for row, k in zip(rows, result.assignment, strict=True):
            gold.append(f"{theme}/{row['problem']}")
            pred.append(f"{theme}/{k}" if k is not None else f"none/{row['id']}")
        for k, prob in enumerate(result.problems):
            members = [r["problem"] for r, a in zip(rows, result.assignment, strict=True) if a == k]
            texts = [r["text"] for r, a in zip(rows, result.assignment, strict=True) if a == k]
            groups.append((theme, prob.title, prob.size, members, texts))
    scores = {
        "ari": adjusted_rand_score(gold, pred),
        "v_measure": v_measure_score(gold, pred),
        "comments": len(gold),
        "gold_problems": len(set(gold)),
        "groups": len(groups),
        "ungrouped": sum(p.startswith("none/") for p in pred),
    }
    return scores, groups


def main() -> None:
    """Print the scores and a sample of group titles with their hand-assigned problems."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="test", choices=["test", "dev", "all"])
    ap.add_argument("--titles", type=int, default=10)
    ap.add_argument("--distance", type=float)
    ap.add_argument("--members", action="store_true", help="print each sampled group's comments too")
    ap.add_argument("--all-titles", action="store_true", help="every group, not a sample")
    args = ap.parse_args()
    kwargs = {} if args.distance is None else {"distance": args.distance}
    scores, groups = evaluate(args.part, **kwargs)
    print(f"part={args.part} comments={scores['comments']} gold problems={scores['gold_problems']} "
          f"groups={scores['groups']} ungrouped={scores['ungrouped']}")
    print(f"ARI {scores['ari']:.3f}  V-measure {scores['v_measure']:.3f}")
    print(f"\nsample of {args.titles} group titles (seeded): title | size | hand-assigned problems of its members")
    shown = groups if args.all_titles else random.Random(14).sample(groups, min(args.titles, len(groups)))
    for theme, title, size, members, texts in shown:
        counts = ", ".join(f"{p}×{members.count(p)}" for p in sorted(set(members), key=members.count, reverse=True))
        print(f"[{theme}] {title} | {size} | {counts}")
        if args.members:
            for text in texts:
                print(f"      - {text}")


if __name__ == "__main__":
    main()
