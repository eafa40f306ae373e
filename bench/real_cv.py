"""Cross-validated figures on the real comments a model may be tuned on (never the real held-out split).

The real training and validation rows are cut into ``--folds`` folds by a hash of their split key (near
copies stay together). For each fold a model is trained on all written training text plus the other
folds' real rows (their validation rows still tune thresholds) and scores the fold. The pooled
out-of-fold figures are what a change to the model should be judged by; the real held-out split is
read by nothing here (``load_corpus`` drops it).

Prints the pooled micro/macro-F1, polarity, urgent recall/precision, per length, urgent per reason, the
per-theme table, and with ``--dump FILE`` writes each out-of-fold row with gold and predicted labels
(for studying errors).

Usage: python bench/real_cv.py [--folds 4] [--dump /tmp/oof.jsonl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _fold(text: str, folds: int) -> int:
    from analysis.corpus import split_key

    digest = hashlib.sha1(("cv:" + split_key(text)).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % folds


def _precision_at(scores: list[float], gold: list, recall: float) -> float:
    """Urgent precision at the highest pooled threshold that keeps ``recall`` (threshold-free comparison)."""
    ranked = sorted(zip(scores, (ex.urgent for ex in gold), strict=True), key=lambda r: -r[0])
    need = recall * sum(ex.urgent for ex in gold)
    tp = 0
    for k, (_, urgent) in enumerate(ranked, 1):
        tp += urgent
        if tp >= need:
            return tp / k
    return 0.0


def main() -> int:
    """Train one model per fold and print the pooled out-of-fold figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--dump", type=Path, help="write out-of-fold rows (gold and predicted) as JSONL")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help="override a module constant for this run, e.g. analysis.train.URGENT_C=3")
    args = parser.parse_args()
    for item in args.set:
        import importlib

        target, value = item.split("=", 1)
        module, name = target.rsplit(".", 1)
        setattr(importlib.import_module(module), name, json.loads(value))

    from analysis.corpus import is_long, load_corpus, part_of
    from analysis.metrics import compute_metrics
    from analysis.scorecard import urgent_confusion
    from analysis.taxonomy import CODES, THEMES
    from analysis.train import train_model

    examples = load_corpus()
    written = [ex for ex in examples if not ex.is_real and part_of(ex) == "train"]
    real = [ex for ex in examples if ex.is_real]
    fold_of = [_fold(ex.text, args.folds) for ex in real]
    words = {c: t.words for c, t in THEMES.items()}
    gold, results, probs = [], [], []
    for k in range(args.folds):
        rest = [ex for ex, f in zip(real, fold_of, strict=True) if f != k]
        test = [ex for ex, f in zip(real, fold_of, strict=True) if f == k]
        model, _ = train_model(written + [ex for ex in rest if part_of(ex) == "train"], CODES, words,
                               version=f"cv{k}", validation=[ex for ex in rest if part_of(ex) == "val"])
        gold.extend(test)
        results.extend(model.classify_many([ex.text for ex in test]))
        probs.extend(model.urgent_probability(model.raw([ex.text for ex in test])) - model.urgent_threshold)

    def figures(idx: list[int]) -> dict:
        return compute_metrics([gold[i] for i in idx], [results[i].themes for i in idx],
                               [results[i].urgent for i in idx], [results[i].urgent_reason for i in idx], CODES)

    everything = list(range(len(gold)))
    print(f"real train+val rows, {args.folds}-fold out-of-fold (no held-out row read)")
    print(f"{'part':<12}{'n':>5}{'micro':>8}{'macro':>8}{'polar':>8}{'u.rec':>8}{'u.prec':>8}{'u.n':>5}{'flag':>6}")
    for name, idx in (("all", everything), ("short", [i for i in everything if not is_long(gold[i].text)]),
                      ("long", [i for i in everything if is_long(gold[i].text)])):
        m = figures(idx)
        print(f"{name:<12}{m['n']:>5}{m['micro_f1']:>8.3f}{m['macro_f1']:>8.3f}{m['polarity_accuracy']:>8.3f}"
              f"{m['urgent_recall']:>8.3f}{m['urgent_precision']:>8.3f}{m['urgent_support']:>5}{m['urgent_predicted']:>6}")
    print(f"urgent precision at recall 0.90 (one pooled threshold): {_precision_at(probs, gold, 0.90):.3f}")
    print("urgent per reason (tp / fn / fp):")
    for reason, c in urgent_confusion(gold, results).items():
        print(f"  {reason:<12} {c['tp']:>4} {c['fn']:>4} {c['fp']:>4}")
    print(f"{'theme':<15}{'P':>7}{'R':>7}{'F1':>7}{'sup':>5}{'pred':>5}")
    for code, t in figures(everything)["per_theme"].items():
        print(f"{code:<15}{t['precision']:>7.3f}{t['recall']:>7.3f}{t['f1']:>7.3f}{t['support']:>5}{t['predicted']:>5}")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for ex, res, p in zip(gold, results, probs, strict=True):
                fh.write(json.dumps({"text": ex.text, "source": ex.source, "gold": ex.themes, "pred": res.themes,
                                     "urgent": ex.urgent, "reason": ex.urgent_reason, "p_urgent": res.urgent,
                                     "p_reason": res.urgent_reason, "conf": res.confidence,
                                     "u_margin": float(p)},
                                    ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
