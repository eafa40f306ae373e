"""Uncertainty sampling: which comments would a member of staff's label teach the model the most?

A comment is as uncertain as its closest call: the theme (or the urgent flag) whose calibrated
log-odds lie nearest the decision threshold. ``1.0`` means a coin toss on at least one decision,
values near ``0`` mean every decision is clear. Pure functions on plain arrays and numbers.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def uncertainty(theme_prob: np.ndarray, logit_thresholds: np.ndarray, urgent_prob: np.ndarray,
                urgent_threshold: float) -> np.ndarray:
    """Per comment ``exp(-smallest |log-odds - threshold|)`` over every theme and the urgent flag."""
    theme_prob = np.atleast_2d(theme_prob)
    if theme_prob.shape[0] == 0:
        return np.zeros(0)
    margin = np.abs(_logit(theme_prob) - logit_thresholds).min(axis=1)
    urgent_margin = np.abs(_logit(urgent_prob) - _logit(urgent_threshold))
    return np.exp(-np.minimum(margin, urgent_margin))


def least_sure(scored: Iterable[tuple[Hashable, float | None]], k: int | None = None) -> list[Hashable]:
    """Ids ordered from the least sure to the surest (ties: the given order), the first ``k`` of them.

    Items without a score (not classified yet, or by a model without uncertainty) are left out.
    """
    ranked = [(i, key, u) for i, (key, u) in enumerate(scored) if u is not None]
    ranked.sort(key=lambda r: (-r[2], r[0]))
    return [key for _, key, _ in (ranked if k is None else ranked[:k])]
