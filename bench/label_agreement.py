"""Labelling agreement: a blind re-labelling of real corpus rows against their labels in the corpus.

Two steps, so that the second labeller never sees the first labels:

1. ``python bench/label_agreement.py sample --n 100 --seed 17 > texts.jsonl`` draws a random sample of
   real rows (``analysis/corpus/real/*.jsonl``) and prints only their texts.
2. The second labeller labels those texts by ``analysis/LABELING.md`` into a JSONL file of records
   (``text``, ``themes``, ``urgent``, ``urgent_reason``), then
   ``python bench/label_agreement.py compare relabel.jsonl`` prints, against the corpus labels:
   per theme the rows each side gave it, the percentage of rows on which the two agree about its
   presence, Cohen's kappa for presence, and polarity agreement where both gave it; then exact-set
   agreement, micro/macro kappa and urgent agreement (flag and reason); and the re-label scored as if it
   were a model against the corpus labels (micro/macro-F1, polarity, urgent recall/precision by
   ``analysis.metrics``): the human ceiling the classifier's real-text figures can be read against.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _corpus_rows() -> dict[str, dict]:
    from analysis.corpus import real_files

    rows: dict[str, dict] = {}
    for path in real_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                rows[obj["text"].strip()] = obj
    return rows


def sample(n: int, seed: int) -> None:
    texts = sorted(_corpus_rows())
    for i, text in enumerate(random.Random(seed).sample(texts, n)):
        print(json.dumps({"i": i, "text": text}, ensure_ascii=False))


def _kappa(a: list[int], b: list[int]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:  # one class on both sides: kappa is undefined
        return None
    return float(cohen_kappa_score(a, b))


def compare(relabel_path: Path) -> None:
    from analysis.taxonomy import CODES

    corpus = _corpus_rows()
    pairs = []
    for line in relabel_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            mine = json.loads(line)
            theirs = corpus.get(mine["text"].strip())
            if theirs is None:
                print(f"not in the corpus: {mine['text'][:40]}", file=sys.stderr)
                continue
            pairs.append((theirs, mine))
    n = len(pairs)
    print(f"rows compared: {n}")
    print(f"{'theme':<14}{'corpus':>7}{'relabel':>8}{'agree %':>9}{'kappa':>7}{'pol. agree':>11}")
    kappas = []
    for code in CODES:
        a = [int(code in t["themes"]) for t, _ in pairs]
        b = [int(code in m["themes"]) for _, m in pairs]
        both = [(t["themes"][code], m["themes"][code]) for t, m in pairs if code in t["themes"] and code in m["themes"]]
        agree = 100 * sum(x == y for x, y in zip(a, b, strict=True)) / n
        kappa = _kappa(a, b)
        if kappa is not None and (sum(a) or sum(b)):
            kappas.append(kappa)
        pol = f"{sum(x == y for x, y in both)}/{len(both)}" if both else "-"
        shown = f"{kappa:.2f}" if kappa is not None else "-"
        print(f"{code:<14}{sum(a):>7}{sum(b):>8}{agree:>9.1f}{shown:>7}{pol:>11}")
    flat_a = [int(c in t["themes"]) for t, _ in pairs for c in CODES]
    flat_b = [int(c in m["themes"]) for _, m in pairs for c in CODES]
    exact_set = sum(set(t["themes"]) == set(m["themes"]) for t, m in pairs)
    exact_lab = sum(t["themes"] == m["themes"] for t, m in pairs)
    print(f"exact theme set: {exact_set}/{n} ({100 * exact_set / n:.0f}%); with polarity: {exact_lab}/{n}")
    print(f"kappa over all (row, theme) cells: {_kappa(flat_a, flat_b):.3f}; "
          f"mean per-theme kappa: {statistics.mean(kappas):.3f} over {len(kappas)} themes")
    ua = [int(bool(t.get("urgent"))) for t, _ in pairs]
    ub = [int(bool(m.get("urgent"))) for _, m in pairs]
    reason = sum(t.get("urgent_reason") == m.get("urgent_reason") for t, m in pairs if t.get("urgent") and m.get("urgent"))
    print(f"urgent: corpus {sum(ua)}, relabel {sum(ub)}, both {sum(x and y for x, y in zip(ua, ub, strict=True))}, "
          f"agree {100 * sum(x == y for x, y in zip(ua, ub, strict=True)) / n:.0f}%, kappa {_kappa(ua, ub):.2f}; "
          f"same reason where both urgent: {reason}")
    ceiling = human_ceiling(pairs)
    print(f"re-label scored against the corpus labels: micro-F1 {ceiling['micro_f1']:.3f}, "
          f"macro-F1 {ceiling['macro_f1']:.3f}, polarity {ceiling['polarity_accuracy']:.3f}, "
          f"urgent recall {ceiling['urgent_recall']:.3f}, precision {ceiling['urgent_precision']:.3f}")


def human_ceiling(pairs: list[tuple[dict, dict]]) -> dict:
    """The second labeller scored like a model against the corpus labels (``analysis.metrics``)."""
    from analysis.corpus import parse_example
    from analysis.metrics import compute_metrics
    from analysis.taxonomy import CODES

    gold = [parse_example(t, set(CODES)) for t, _ in pairs]
    mine = [parse_example(m, set(CODES)) for _, m in pairs]
    return compute_metrics(gold, [m.themes for m in mine], [m.urgent for m in mine],
                           [m.urgent_reason for m in mine], CODES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=100)
    s.add_argument("--seed", type=int, default=17)
    c = sub.add_parser("compare")
    c.add_argument("relabel", type=Path)
    args = parser.parse_args()
    if args.cmd == "sample":
        sample(args.n, args.seed)
    else:
        compare(args.relabel)


if __name__ == "__main__":
    main()
