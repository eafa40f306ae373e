"""Plain-text rendering of evaluation metrics."""

from __future__ import annotations

from typing import Any


def format_metrics(metrics: dict[str, Any], title: str = "") -> str:
    """Render per-theme precision/recall/F1 and the summary figures as a table."""
    lines: list[str] = []
    if title:
        lines.append(title)
    lines.append(f"{'theme':<14}{'prec':>7}{'recall':>8}{'f1':>7}{'support':>9}{'pred':>6}")
    lines.append("-" * 51)
    for code, m in metrics["per_theme"].items():
        lines.append(
            f"{code:<14}{m['precision']:>7.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}"
            f"{m['support']:>9d}{m['predicted']:>6d}"
        )
    lines.append("-" * 51)
    lines.append(f"comments             {metrics['n']}")
    lines.append(
        f"micro  P/R/F1        {metrics['micro_precision']:.3f} / {metrics['micro_recall']:.3f}"
        f" / {metrics['micro_f1']:.3f}"
    )
    lines.append(f"macro F1             {metrics['macro_f1']:.3f}")
    lines.append(f"polarity accuracy    {metrics['polarity_accuracy']:.3f}  (over {metrics['polarity_n']} themes detected)")
    lines.append(
        f"urgent recall        {metrics['urgent_recall']:.3f}  ({metrics['urgent_support']} urgent in gold)"
    )
    lines.append(
        f"urgent precision     {metrics['urgent_precision']:.3f}  ({metrics['urgent_predicted']} flagged)"
    )
    lines.append(f"urgent reason acc.   {metrics['urgent_reason_accuracy']:.3f}")
    return "\n".join(lines)
