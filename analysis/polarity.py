"""Clause-level polarity: find the clauses that mention a theme and build the
features the polarity classifier sees for one (comment, theme) pair."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.features import Featurizer, doc_groups
from analysis.segment import Prepared

DOC_WEIGHT = 2.0  # whole-comment features (most comments carry a single polarity)
THEME_WEIGHT = 0.3


def context_groups(
    docs: list[Prepared],
    pairs: list[tuple[int, int]],
    clause_scores: np.ndarray,
    thresholds: np.ndarray,
) -> list[list[int]]:
    """Clause indices forming the context of each (doc index, theme index) pair.

    A clause belongs to a theme's context when its clause-level theme score passes
    the theme threshold, or when it is the comment's best clause for that theme.
    Single-clause comments use their only clause.
    """
    groups = doc_groups(docs)
    out: list[list[int]] = []
    for d, t in pairs:
        g = groups[d]
        if len(g) <= 1:
            out.append(list(g))
            continue
        col = clause_scores[g.start:g.stop, t]
        chosen = set(np.flatnonzero(col >= thresholds[t]).tolist())
        chosen.add(int(np.argmax(col)))
        out.append([g.start + c for c in sorted(chosen)])
    return out


def polarity_matrix(
    docs: list[Prepared],
    pairs: list[tuple[int, int]],
    doc_matrix: sp.csr_matrix,
    clause_counts: sp.csr_matrix,
    featurizer: Featurizer,
    clause_scores: np.ndarray,
    thresholds: np.ndarray,
) -> sp.csr_matrix:
    """Polarity features for (doc, theme) pairs: context clauses, whole doc, theme id."""
    n_themes = len(thresholds)
    if not pairs:
        return sp.csr_matrix((0, doc_matrix.shape[1] * 2 + n_themes))
    groups = context_groups(docs, pairs, clause_scores, thresholds)
    ctx = featurizer.weight(featurizer.aggregate(groups, clause_counts))
    doc_rows = doc_matrix[[d for d, _ in pairs]] * DOC_WEIGHT
    theme_onehot = sp.csr_matrix(
        (np.full(len(pairs), THEME_WEIGHT, dtype=np.float32),
         (np.arange(len(pairs)), [t for _, t in pairs])),
        shape=(len(pairs), n_themes),
    )
    return sp.hstack([ctx, doc_rows, theme_onehot], format="csr", dtype=np.float64)
