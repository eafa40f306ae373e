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

Usage: python bench/cluster_speed.py [--n 300000] [--seed 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    """Time the per-theme clustering of a synthetic month and print time and peak memory."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="processes (theme batches are independent)")
    args = ap.parse_args()
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
