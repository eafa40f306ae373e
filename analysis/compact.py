"""Plain-numpy stand-ins for the fitted scikit-learn parts, so that loading a model needs neither
scikit-learn nor its import time (about a second of a CLI run on 20,000 comments).

``Linear`` holds a fitted logistic regression's coefficients; ``TokenVocab`` and ``CharVocab`` count
tokens and ``char_wb`` character n-grams exactly as the fitted ``CountVectorizer`` did (a test compares
them on the corpus).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp


class Linear:
    """predict_proba of a fitted binary or multinomial logistic regression."""

    def __init__(self, fitted: Any) -> None:
        self.coef = np.asarray(fitted.coef_, dtype=np.float64)
        self.intercept = np.asarray(fitted.intercept_, dtype=np.float64)
        self.classes_ = np.asarray(fitted.classes_)

    def predict_proba(self, x: Any) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order."""
        z = np.asarray(x @ self.coef.T) + self.intercept
        if len(self.classes_) == 2:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def compact(fitted: Any) -> Any:
    """A Linear for a fitted LogisticRegression; anything else unchanged."""
    return Linear(fitted) if hasattr(fitted, "coef_") and hasattr(fitted, "classes_") else fitted


def _csr(rows: list[list[int]], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(indptr[-1]))
    m = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), width))
    m.sum_duplicates()
    return m


class TokenVocab:
    """Counts of known tokens per pre-tokenised document."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary_ = vocabulary

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """(n_docs, n_vocabulary) float32 counts."""
        get = self.vocabulary_.get
        rows = [[j for j in map(get, doc) if j is not None] for doc in docs]
        return _csr(rows, len(self.vocabulary_))


class CharVocab:
    """Counts of known character n-grams inside space-padded words (scikit-learn's ``char_wb``)."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> None:
        self.vocabulary_ = vocabulary
        self.ngram_range = ngram_range

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(n_texts, n_vocabulary) float32 counts."""
        get = self.vocabulary_.get
        lo, hi = self.ngram_range
        rows: list[list[int]] = []
        for text in texts:
            row: list[int] = []
            for word in text.split():
                w = f" {word} "
                size = len(w)
                for n in range(lo, hi + 1):
                    if n >= size:
                        # a word no longer than n is counted once, whole, as scikit-learn does
                        j = get(w)
                        if j is not None:
                            row.append(j)
                        break
                    row.extend(j for j in map(get, (w[i:i + n] for i in range(size - n + 1))) if j is not None)
            rows.append(row)
        return _csr(rows, len(self.vocabulary_))
