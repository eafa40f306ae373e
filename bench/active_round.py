"""One simulated round of staff teaching the model (uncertainty sampling vs random corrections).

1. Put aside a pool of the real training comments (``--pool``, default half; written text, the real
   validation split and the real held-out split are untouched) and train a base model without them.
2. The base model scores the pool; the ``--k`` least sure comments (``analysis.uncertainty.least_sure``)
   are "corrected": their true labels are written in the format of ``flask export-labels``.
3. ``python -m analysis train --labels corrections.jsonl`` (the same code path, in process) trains on
   them; so does a file of ``--k`` random pool comments (``--random-runs`` seeds).
4. Prints the real held-out micro-/macro-F1 of the base, uncertain-corrected and random-corrected models.

Usage: python bench/active_round.py [--k 200] [--pool 0.5] [--random-runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _in_pool(text: str, fraction: float) -> bool:
    digest = hashlib.sha1(("pool:" + text.strip()).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 1000 < fraction * 1000


def _write_corpus(target: Path, pool_fraction: float) -> list:
    """Copy the corpus to TARGET without the pool rows; returns the pool's examples."""
    from analysis.corpus import corpus_dir, parse_example, real_files, real_part, training_files
    from analysis.taxonomy import CODES

    shutil.copytree(corpus_dir(), target, ignore=shutil.ignore_patterns("*.md"))
    pool = []
    for path in real_files():
        keep = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                ex = parse_example(json.loads(line), set(CODES))
            except ValueError:
                keep.append(line)  # the corpus loader skips it as before
                continue
            if real_part(ex.text) == "train" and _in_pool(ex.text, pool_fraction):
                pool.append(ex)
            else:
                keep.append(line)
        (target / "real" / path.name).write_text("".join(x + "\n" for x in keep), encoding="utf-8")
    assert training_files(target)
    return pool


def _corrections(examples: list, path: Path) -> Path:
    """Write staff corrections as `flask export-labels` does."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, ex in enumerate(examples):
            fh.write(json.dumps({"id": i, "text": ex.text, "themes": ex.themes, "urgent": ex.urgent,
                                 "urgent_reason": ex.urgent_reason}, ensure_ascii=False) + "\n")
    return path


def _train(labels: Path | None) -> dict:
    from analysis.pipeline import train_and_activate

    outcome = train_and_activate(labels=labels, force=True)
    real = outcome.metrics["scorecard"]["sets"].get("real-held-out", {}).get("all")
    if real is None:
        raise SystemExit("no real held-out split: merge the real corpus first")
    return {"version": outcome.version, "micro_f1": real["micro_f1"], "macro_f1": real["macro_f1"],
            "n": real["n"]}


def main() -> int:
    """Run the round and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=200)
    parser.add_argument("--pool", type=float, default=0.5, help="fraction of the real training split held back")
    parser.add_argument("--random-runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        pool = _write_corpus(tmp_path / "corpus", args.pool)
        os.environ["ANALYSIS_CORPUS_DIR"] = str(tmp_path / "corpus")
        os.environ["ANALYSIS_MODEL_DIR"] = str(tmp_path / "models")
        k = min(args.k, len(pool) // 2)
        print(f"pool of real training comments held back: {len(pool)}; corrections per round: {k}")
        base = _train(None)
        print(f"base (without the pool)         real held-out n={base['n']}  micro {base['micro_f1']:.3f}  "
              f"macro {base['macro_f1']:.3f}")

        import analysis
        from analysis.uncertainty import least_sure

        model = analysis.load_model(reload=True)
        results = model.classify_many([ex.text for ex in pool])
        order = least_sure(list(enumerate(r.uncertainty for r in results)), k)
        unsure = _train(_corrections([pool[i] for i in order], tmp_path / "uncertain.jsonl"))
        print(f"+{k} least sure corrected        micro {unsure['micro_f1']:.3f} ({unsure['micro_f1'] - base['micro_f1']:+.3f})"
              f"  macro {unsure['macro_f1']:.3f} ({unsure['macro_f1'] - base['macro_f1']:+.3f})")
        randoms = []
        for seed in range(args.random_runs):
            picked = random.Random(seed).sample(pool, k)
            r = _train(_corrections(picked, tmp_path / f"random{seed}.jsonl"))
            randoms.append(r)
            print(f"+{k} random corrected (seed {seed})  micro {r['micro_f1']:.3f} ({r['micro_f1'] - base['micro_f1']:+.3f})"
                  f"  macro {r['macro_f1']:.3f} ({r['macro_f1'] - base['macro_f1']:+.3f})")
        if randoms:
            mean_micro = statistics.mean(r["micro_f1"] for r in randoms)
            mean_macro = statistics.mean(r["macro_f1"] for r in randoms)
            print(f"gain over base: uncertain {unsure['micro_f1'] - base['micro_f1']:+.3f} micro / "
                  f"{unsure['macro_f1'] - base['macro_f1']:+.3f} macro; random (mean of {len(randoms)}) "
                  f"{mean_micro - base['micro_f1']:+.3f} / {mean_macro - base['macro_f1']:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
