"""Evaluation metrics for theme detection, polarity and urgent flagging."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analysis.corpus import Example


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def compute_metrics(
    gold: Sequence[Example],
    pred_themes: Sequence[Mapping[str, str]],
    pred_urgent: Sequence[bool],
    pred_reasons: Sequence[str | None],
    codes: Sequence[str],
) -> dict[str, Any]:
    """Per-theme P/R/F1, micro/macro F1, polarity accuracy and urgent recall/precision."""
    counts = {c: [0, 0, 0] for c in codes}  # tp, fp, fn
    pol_ok = pol_n = 0
    u_tp = u_fp = u_fn = 0
    reason_ok = 0
    for ex, themes, urgent, reason in zip(gold, pred_themes, pred_urgent, pred_reasons, strict=True):
        for code in codes:
            g, p = code in ex.themes, code in themes
            if g and p:
                counts[code][0] += 1
                pol_n += 1
                pol_ok += ex.themes[code] == themes[code]
            elif p:
                counts[code][1] += 1
            elif g:
                counts[code][2] += 1
        if ex.urgent and urgent:
            u_tp += 1
            reason_ok += ex.urgent_reason is None or ex.urgent_reason == reason
        elif urgent:
            u_fp += 1
        elif ex.urgent:
            u_fn += 1
    per_theme: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for code, (tp, fp, fn) in counts.items():
        p, r, f = _prf(tp, fp, fn)
        per_theme[code] = {"precision": p, "recall": r, "f1": f, "support": tp + fn, "predicted": tp + fp}
        if tp + fp + fn:
            f1s.append(f)
    tot = [sum(v[i] for v in counts.values()) for i in range(3)]
    micro_p, micro_r, micro_f = _prf(*tot)
    u_p, u_r, _ = _prf(u_tp, u_fp, u_fn)
    return {
        "n": len(gold),
        "per_theme": per_theme,
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": micro_f,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "polarity_accuracy": pol_ok / pol_n if pol_n else 0.0,
        "polarity_n": pol_n,
        "urgent_recall": u_r if u_tp + u_fn else 1.0,
        "urgent_precision": u_p if u_tp + u_fp else 1.0,
        "urgent_support": u_tp + u_fn,
        "urgent_predicted": u_tp + u_fp,
        "urgent_reason_accuracy": reason_ok / u_tp if u_tp else 0.0,
    }


def micro_f1(gold_sets: Sequence[set[int]], pred_sets: Sequence[set[int]]) -> float:
    """Micro-F1 over index sets (used for training-time tuning)."""
    tp = sum(len(g & p) for g, p in zip(gold_sets, pred_sets, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold_sets, pred_sets, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold_sets, pred_sets, strict=True))
    return _prf(tp, fp, fn)[2]
