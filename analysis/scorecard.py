"""A model's figures per evaluation set, per length and per source: what ``python -m analysis evaluate``
prints and what a trained model records beside itself (``metrics.json``).

Sets: ``ours-held-out`` (the written corpus's 20 % held-out split), every file of ``eval/`` (written by
others for the project, e.g. ``fresh2``), ``real-val`` (real comments used for tuning, so not blind) and
``real-held-out`` (real comments nothing trains or tunes on: the figure that matters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.corpus import (
    Example,
    eval_files,
    is_long,
    load_corpus,
    read_jsonl,
    real_test_set,
    split,
    validation,
)
from analysis.metrics import compute_metrics
from analysis.urgent import REASONS

REAL_TEST = "real-held-out"
MIN_SOURCE = 10  # a source with fewer comments in a set is reported pooled with its family ("web-*")
SUMMARY_KEYS = ("n", "micro_precision", "micro_recall", "micro_f1", "macro_f1", "polarity_accuracy",
                "urgent_recall", "urgent_precision", "urgent_support", "urgent_predicted")


def evaluation_sets(labels: Path | None = None) -> dict[str, list[Example]]:
    """Every labelled set a model is scored on, by name (empty sets left out)."""
    examples = load_corpus(labels)
    sets = {"ours-held-out": split(examples)[1]}
    for path in eval_files():
        sets[path.stem] = read_jsonl(path)
    sets["real-val"] = validation(examples)
    sets[REAL_TEST] = real_test_set()
    return {name: rows for name, rows in sets.items() if rows}


def _summary(gold: Sequence[Example], results: Sequence[Any], codes: Sequence[str]) -> dict[str, Any]:
    m = compute_metrics(gold, [r.themes for r in results], [r.urgent for r in results],
                        [r.urgent_reason for r in results], codes)
    return {k: m[k] for k in SUMMARY_KEYS}


def source_groups(sources: Sequence[str]) -> list[str]:
    """Each row's reporting group: its source, or ``<family>-*`` when the source is thin in this set."""
    counts = Counter(sources)
    return [s if counts[s] >= MIN_SOURCE or "-" not in s else s.split("-", 1)[0] + "-*" for s in sources]


def urgent_confusion(gold: Sequence[Example], results: Sequence[Any]) -> dict[str, dict[str, int]]:
    """Per urgent reason: true urgent comments flagged (tp) and missed (fn), and false alarms by the
    reason the model gave (fp)."""
    table = {r: {"tp": 0, "fn": 0, "fp": 0} for r in REASONS}
    for ex, res in zip(gold, results, strict=True):
        if ex.urgent:
            table[ex.urgent_reason or "safety"]["tp" if res.urgent else "fn"] += 1
        elif res.urgent:
            table[res.urgent_reason or "safety"]["fp"] += 1
    return {r: c for r, c in table.items() if any(c.values())}


def scorecard(model: Any, sets: dict[str, list[Example]]) -> dict[str, Any]:
    """Figures of ``model`` on each set: summary, per length (<= / > 60 characters), per source, and for
    real sets the urgent confusion per reason and the per-theme figures."""
    card: dict[str, Any] = {"model_version": model.version, "sets": {}}
    for name, gold in sets.items():
        results = model.classify_many([ex.text for ex in gold])
        entry: dict[str, Any] = {"all": _summary(gold, results, model.codes)}
        for label, keep in (("short", False), ("long", True)):
            idx = [i for i, ex in enumerate(gold) if is_long(ex.text) == keep]
            if idx:
                entry[label] = _summary([gold[i] for i in idx], [results[i] for i in idx], model.codes)
        group = source_groups([ex.source for ex in gold])
        if len(set(group)) > 1:
            entry["by_source"] = {}
            for src in sorted(set(group)):
                idx = [i for i, g in enumerate(group) if g == src]
                entry["by_source"][src] = _summary([gold[i] for i in idx], [results[i] for i in idx], model.codes)
        if name.startswith("real"):
            entry["urgent_by_reason"] = urgent_confusion(gold, results)
            full = compute_metrics(gold, [r.themes for r in results], [r.urgent for r in results],
                                   [r.urgent_reason for r in results], model.codes)
            entry["per_theme"] = full["per_theme"]
        card["sets"][name] = entry
    return card


def _row(name: str, s: dict[str, Any]) -> str:
    return (f"{name:<26}{s['n']:>6}{s['micro_f1']:>8.3f}{s['macro_f1']:>8.3f}{s['polarity_accuracy']:>8.3f}"
            f"{s['urgent_recall']:>8.3f}{s['urgent_precision']:>8.3f}{s['urgent_support']:>6}{s['urgent_predicted']:>6}")


def format_scorecard(card: dict[str, Any]) -> str:
    """The scorecard as a plain-text table (one line per set, length and source)."""
    lines = [f"model {card['model_version']}",
             f"{'set':<26}{'n':>6}{'micro':>8}{'macro':>8}{'polar':>8}{'u.rec':>8}{'u.prec':>8}{'u.n':>6}{'flag':>6}",
             "-" * 84]
    for name, entry in card["sets"].items():
        lines.append(_row(name, entry["all"]))
        for label in ("short", "long"):
            if label in entry:
                lines.append(_row(f"  {label} ({'<=' if label == 'short' else '>'}60)", entry[label]))
        for src, s in entry.get("by_source", {}).items():
            lines.append(_row(f"  {src[:22]}", s))
    test = card["sets"].get(REAL_TEST)
    if test:
        lines.append("")
        lines.append(f"urgent on {REAL_TEST}, per reason: flagged (tp) / missed (fn) / false alarms given it (fp)")
        for reason, c in test["urgent_by_reason"].items():
            lines.append(f"  {reason:<12} tp {c['tp']:>3}  fn {c['fn']:>3}  fp {c['fp']:>3}")
    else:
        lines.append("")
        lines.append(f"no {REAL_TEST} split yet (analysis/corpus/real/ is empty): every figure above is on written text")
    return "\n".join(lines)
