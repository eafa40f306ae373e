"""Quality and speed of the staff-comment themes (analysis/staff.py) on the labelled set written for the project.

Reads analysis/eval/staff/staff_labelled.jsonl (70 staff comments written for this project, each with the themes a
reader gives it; see analysis/eval/staff/README.md), classifies every one and prints per-theme precision,
recall and F1, their micro average, the share of comments whose theme set is exactly right, and the median
time per comment over --runs passes.
Usage: python bench/staff_themes.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import staff  # noqa: E402

LABELLED = ROOT / "analysis" / "eval" / "staff" / "staff_labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    staff.classify("预热")  # load the taxonomy and the converter outside the timing
    timings, predicted = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        predicted = [set(staff.classify(row["text"])) for row in rows]
        timings.append((time.perf_counter() - start) / len(rows))
    codes = [t.code for t in staff.load()]
    print(f"{len(rows)} labelled staff comments, {len(codes)} themes, taxonomy {staff.version()}")
    print(f"{'theme':<12}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}")
    tp_all = fp_all = fn_all = 0
    for code in codes:
        tp = sum(1 for row, got in zip(rows, predicted, strict=True) if code in got and code in row["themes"])
        fp = sum(1 for row, got in zip(rows, predicted, strict=True) if code in got and code not in row["themes"])
        fn = sum(1 for row, got in zip(rows, predicted, strict=True) if code not in got and code in row["themes"])
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        print(f"{code:<12}{tp + fn:>8}{_ratio(tp, tp + fp):>11}{_ratio(tp, tp + fn):>8}{_f1(tp, fp, fn):>7}")
    print(f"{'micro':<12}{tp_all + fn_all:>8}{_ratio(tp_all, tp_all + fp_all):>11}"
          f"{_ratio(tp_all, tp_all + fn_all):>8}{_f1(tp_all, fp_all, fn_all):>7}")
    exact = sum(1 for row, got in zip(rows, predicted, strict=True) if got == set(row["themes"]))
    print(f"exact theme set: {exact}/{len(rows)} = {exact / len(rows):.2f}")
    print(f"median time per comment: {statistics.median(timings) * 1e6:.1f} µs over {args.runs} runs")


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def _f1(tp: int, fp: int, fn: int) -> str:
    return f"{2 * tp / (2 * tp + fp + fn):.2f}" if tp else "0.00"


if __name__ == "__main__":
    main()
