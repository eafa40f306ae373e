"""Clause-level evidence aggregated per theme, and the calibrated theme probability built from it.

A long letter names many things in passing; a whole-comment score dilutes the one clause that judges a
theme and lifts themes only named as a setting. Each clause is scored by the same linear theme model;
per theme, a small logistic "stacker" fitted on out-of-fold scores combines the whole-comment score, the
best clause's score, and their interaction with the comment's length into a calibrated probability.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from analysis.features import Featurizer

STACK_C = 1.0
LONG_CLAUSES = 4  # length feature saturates here (log scale)


def clause_scores(featurizer: Featurizer, clause_counts: sp.csr_matrix, coef: np.ndarray,
                  intercept: np.ndarray) -> np.ndarray:
    """Theme decision scores of every clause, (n_clauses, n_themes)."""
    if clause_counts.shape[0] == 0:
        return np.zeros((0, coef.shape[1]))
    return np.asarray(featurizer.weight(clause_counts) @ coef + intercept)


def best_clause(groups: Sequence[range], scores: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Per comment and theme the highest clause score (``fallback`` rows for comments without clauses)."""
    out = fallback.copy()
    starts = np.array([g.start for g in groups if len(g)], dtype=np.int64)
    rows = np.array([i for i, g in enumerate(groups) if len(g)], dtype=np.int64)
    if len(starts):
        out[rows] = np.maximum.reduceat(scores, starts, axis=0)
    return out


def length_feature(groups: Sequence[range]) -> np.ndarray:
    """0 for a one-clause comment rising to 1 at ``LONG_CLAUSES`` clauses and beyond."""
    n = np.array([max(len(g), 1) for g in groups], dtype=np.float64)
    return np.minimum(np.log(n) / np.log(LONG_CLAUSES), 1.0)


def stack_features(doc: np.ndarray, clause: np.ndarray, length: np.ndarray) -> np.ndarray:
    """(n, n_themes, 5): doc score, best clause, both times length, length."""
    ln = np.broadcast_to(length[:, None], doc.shape)
    return np.stack([doc, clause, doc * ln, clause * ln, ln], axis=2)


class Stacker:
    """Per-theme logistic combination of the evidence features (plain arrays: cheap to load)."""

    def __init__(self, n_themes: int, n_features: int = 5) -> None:
        self.coef = np.zeros((n_themes, n_features))
        self.coef[:, 0] = 1.0  # identity on the doc score until fitted
        self.intercept = np.zeros(n_themes)

    def fit(self, feats: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Stacker:
        """Fit one small logistic regression per theme (themes with one class keep the identity)."""
        from sklearn.linear_model import LogisticRegression

        for t in range(feats.shape[1]):
            if 0 < y[:, t].sum() < len(y):
                clf = LogisticRegression(C=STACK_C, max_iter=1000).fit(feats[:, t, :], y[:, t], sample_weight=weight)
                self.coef[t] = clf.coef_[0]
                self.intercept[t] = clf.intercept_[0]
        return self

    def logit(self, feats: np.ndarray) -> np.ndarray:
        """Calibrated log-odds, (n, n_themes)."""
        return np.einsum("ntk,tk->nt", feats, self.coef) + self.intercept
