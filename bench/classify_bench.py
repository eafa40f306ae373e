"""Throughput benchmark: ``python -m analysis classify`` vs bare ``jieba.lcut``.

Generates N comments (default 20,000) by sampling and recombining corpus texts,
then times, as separate processes on the same input (start-up included):

* ours:  ``python -m analysis classify < input.jsonl > output.jsonl``
         (interpreter start, imports, model load, jieba init, classification)
* jieba: a bare script that imports jieba and calls ``jieba.lcut`` per text
         (interpreter start, jieba import and dictionary load, segmentation)

Prints the median of 3 runs of each and the throughput ratio ours / jieba, then the worker's steady
per-job rate: the model loaded once, ``--jobs`` comments classified one call each, as the RQ job does
(``analysis.classify(text)``), median of the runs.
Usage: python bench/classify_bench.py [--n 20000] [--runs 3] [--jobs 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

JIEBA_SCRIPT = """
import json, sys
import jieba
jieba.initialize()
n = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        n += len(jieba.lcut(json.loads(line)["text"]))
print(n)
"""


def make_texts(n: int, seed: int = 7) -> list[str]:
    """Sample and recombine training-corpus texts (never an evaluation set)."""
    from analysis.corpus import read_jsonl, training_files

    pool = [ex.text for path in training_files() for ex in read_jsonl(path)]
    if not pool:
        raise SystemExit("no corpus texts found")
    rng = random.Random(seed)
    texts: list[str] = []
    for _ in range(n):
        k = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        texts.append(rng.choice(("，", "。", "；")).join(rng.choice(pool) for _ in range(k)))
    return texts


def timed(cmd: list[str], stdin_path: Path | None = None, stdout_path: Path | None = None) -> float:
    """Wall-clock seconds of one subprocess run (raises on failure)."""
    with contextlib.ExitStack() as stack:
        stdin = stack.enter_context(open(stdin_path, "rb")) if stdin_path else subprocess.DEVNULL
        stdout = stack.enter_context(open(stdout_path, "wb")) if stdout_path else subprocess.DEVNULL
        start = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=stdout, check=True, cwd=REPO)
        return time.perf_counter() - start


def per_job_rate(texts: list[str], runs: int) -> list[float]:
    """Comments per second classified one call at a time by a loaded model (the worker's steady state)."""
    import analysis

    analysis.load_model()
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            analysis.classify(text)
        rates.append(len(texts) / (time.perf_counter() - start))
    return rates


def main() -> int:
    """Run the benchmark and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2000, help="comments for the per-job rate (0: skip)")
    args = parser.parse_args()

    texts = make_texts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        inp, out, script = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl", Path(tmp) / "bare_jieba.py"
        inp.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                               for i, t in enumerate(texts)), encoding="utf-8")
        script.write_text(JIEBA_SCRIPT, encoding="utf-8")
        ours_cmd = [sys.executable, "-m", "analysis", "classify"]
        jieba_cmd = [sys.executable, str(script), str(inp)]
        # warm-up: builds the jieba cache and trains/caches a model if none exists yet
        timed(ours_cmd, inp, out)
        timed(jieba_cmd)
        ours, bare = [], []
        for _ in range(args.runs):
            bare.append(timed(jieba_cmd))
            ours.append(timed(ours_cmd, inp, out))
        n_out = len(out.read_text(encoding="utf-8").splitlines())
        if n_out != len(texts):
            raise SystemExit(f"output has {n_out} lines for {len(texts)} inputs")
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    chars = sum(map(len, texts))
    print(f"comments: {len(texts)}  (avg {chars / len(texts):.1f} chars)")
    print(f"bare jieba.lcut : median {bare_s:6.2f} s  {len(texts) / bare_s:8.0f} comments/s  runs {[round(x, 2) for x in bare]}")
    print(f"analysis classify: median {ours_s:6.2f} s  {len(texts) / ours_s:8.0f} comments/s  runs {[round(x, 2) for x in ours]}")
    ratio = bare_s / ours_s
    print(f"throughput ratio (classify / jieba): {ratio:.2f}  (target >= 0.40)")
    if args.jobs:
        rates = per_job_rate(texts[:args.jobs], args.runs)
        print(f"worker steady rate, one comment per call: median {statistics.median(rates):6.0f} comments/s"
              f"  runs {[round(r) for r in rates]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
