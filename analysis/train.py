"""Model training: features, one-vs-rest theme models with per-theme thresholds
tuned on cross-validation inside the training portion, clause-level polarity,
and the recall-first urgent classifier."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from analysis.corpus import Example
from analysis.features import Featurizer, doc_groups, urgent_lexicon_matrix
from analysis.lexicon import is_no_subject
from analysis.metrics import micro_f1
from analysis.model import ConstantClassifier, Model, RawPredictions
from analysis.polarity import polarity_matrix
from analysis.segment import prepare_many
from analysis.threads import single_threaded
from analysis.urgent import lexicon_scan

THEME_C = 8.0
POLARITY_C = 4.0
URGENT_C = 1.0
REASON_C = 8.0
FOLDS = 5
URGENT_RECALL_TARGET = 0.95  # of the classifier alone; the lexicon is OR-ed on top
FALLBACK_MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def _logreg(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)


def _fit_binary(x: sp.csr_matrix, y: np.ndarray, c: float, balanced: bool = True) -> Any:
    """Logistic regression, or a constant classifier when ``y`` has a single class."""
    if y.min() == y.max():
        return ConstantClassifier(bool(y[0]) if len(y) else False)
    clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced" if balanced else None, max_iter=1000)
    return clf.fit(x, y)


def _fit_themes(x: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fit one binary model per theme; returns (coef matrix, intercepts)."""
    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float32)
    for t in range(y.shape[1]):
        if 0 < y[:, t].sum() < len(y):
            clf = _logreg(THEME_C).fit(x, y[:, t])
            coef[:, t] = clf.coef_[0]
            intercept[t] = clf.intercept_[0]
    return coef, intercept


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """Decision threshold maximising F1 of ``scores >= threshold``."""
    if y.sum() == 0:
        return float("inf")
    order = np.argsort(-scores)
    s, yy = scores[order], y[order]
    tp = np.cumsum(yy)
    fp = np.cumsum(1 - yy)
    f1 = 2 * tp / (tp + fp + yy.sum())
    valid = np.r_[s[1:] < s[:-1], True]  # cut only between distinct scores
    k = int(np.argmax(np.where(valid, f1, -1)))
    return float((s[k] + s[k + 1]) / 2) if k + 1 < len(s) else float(s[k] - 1e-3)


def _oof(x: sp.csr_matrix, n: int, fit_predict) -> np.ndarray:
    """Out-of-fold predictions: ``fit_predict(train_idx, test_idx)`` per fold."""
    out: np.ndarray | None = None
    for tr, te in KFold(FOLDS, shuffle=True, random_state=0).split(np.arange(n)):
        pred = fit_predict(tr, te)
        if out is None:
            out = np.zeros((n,) + pred.shape[1:], dtype=np.float64)
        out[te] = pred
    assert out is not None
    return out


def _choose_margin(model: Model, raw, gold_sets: list[set[int]]) -> float:
    best, best_f1 = 0.0, -1.0
    for margin in FALLBACK_MARGINS:
        model.fallback_margin = margin
        f1 = micro_f1(gold_sets, [set(d) for d in model.detect(raw)])
        if f1 > best_f1 + 1e-9:
            best, best_f1 = margin, f1
    return best


def _urgent_threshold(prob: np.ndarray, y: np.ndarray) -> float:
    """Largest probability threshold at which the classifier alone meets the recall target.

    The classifier does not see the lexicon, so it is an independent second
    detector: the lexicon was curated on this data and would look better here
    than on unseen comments.
    """
    if y.sum() == 0:
        return 0.5
    for thr in np.round(np.arange(0.5, 0.04, -0.01), 2):
        if ((prob >= thr) & (y == 1)).sum() / y.sum() >= URGENT_RECALL_TARGET:
            return float(thr)
    return 0.05


def train_model(examples: list[Example], codes: tuple[str, ...], theme_words: dict[str, tuple[str, ...]],
                version: str = "dev") -> tuple[Model, dict[str, Any]]:
    """Train every component on ``examples``; returns the model and tuning info."""
    with single_threaded():
        return _train(examples, codes, theme_words, version)


def _train(examples: list[Example], codes: tuple[str, ...], theme_words: dict[str, tuple[str, ...]],
           version: str) -> tuple[Model, dict[str, Any]]:
    preps = prepare_many([ex.text for ex in examples])
    featurizer = Featurizer(codes, theme_words).fit(preps)
    counts = featurizer.clause_counts(preps)
    x = featurizer.weight(featurizer.aggregate(doc_groups(preps), counts))
    y = np.array([[code in ex.themes for code in codes] for ex in examples], dtype=np.int8)
    n = len(examples)

    def theme_fold(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        coef, icpt = _fit_themes(x[tr], y[tr])
        return np.asarray(x[te] @ coef + icpt)

    oof_scores = _oof(x, n, theme_fold)
    thresholds = np.array([_best_threshold(oof_scores[:, t], y[:, t]) for t in range(len(codes))], dtype=np.float32)
    coef, intercept = _fit_themes(x, y)

    hits = [lexicon_scan(p.plain) for p in preps]
    u = sp.hstack([x, urgent_lexicon_matrix(hits)], format="csr")
    yu = np.array([ex.urgent for ex in examples], dtype=np.int8)
    oof_u = _oof(x, n, lambda tr, te: _fit_binary(x[tr], yu[tr], URGENT_C).predict_proba(x[te])[:, 1])
    urgent_thr = _urgent_threshold(oof_u, yu)
    urgent = _fit_binary(x, yu, URGENT_C)

    reason_idx = [i for i, ex in enumerate(examples) if ex.urgent and ex.urgent_reason]
    reasons = [examples[i].urgent_reason for i in reason_idx]
    reason = None
    if len(set(reasons)) >= 2:
        reason = LogisticRegression(C=REASON_C, max_iter=2000).fit(u[reason_idx], reasons)
    default_reason = max(set(reasons), key=reasons.count) if reasons else "safety"

    pairs = [(i, t) for i, ex in enumerate(examples) for t, code in enumerate(codes) if code in ex.themes]
    ypol = np.array([examples[i].themes[codes[t]] == "pos" for i, t in pairs], dtype=np.int8)
    pol_x = polarity_matrix(preps, pairs, x, counts, featurizer, coef, intercept, thresholds)
    polarity = _fit_binary(pol_x, ypol, POLARITY_C, balanced=False)

    model = Model(version, codes, featurizer, coef, intercept, thresholds, 0.0, polarity,
                  urgent, urgent_thr, reason, default_reason)
    oof_raw = RawPredictions(preps, counts, x, oof_scores, hits, u, [is_no_subject(p.plain) for p in preps])
    gold_sets = [set(np.flatnonzero(row).tolist()) for row in y]
    model.fallback_margin = _choose_margin(model, oof_raw, gold_sets)
    info = {
        "n_train": n,
        "cv_micro_f1": micro_f1(gold_sets, [set(d) for d in model.detect(oof_raw)]),
        "fallback_margin": model.fallback_margin,
        "urgent_threshold": urgent_thr,
        "thresholds": {c: float(thresholds[t]) for t, c in enumerate(codes)},
    }
    return model, info
