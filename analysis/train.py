"""Model training: features, one-vs-rest theme models, clause/comment evidence stacked into calibrated
probabilities, per-theme thresholds, clause-level polarity and the recall-first urgent decision.

Real comments weigh more than written ones (``REAL_WEIGHT``). Thresholds are tuned on out-of-fold scores
of the training portion together with the real validation split (``VAL_WEIGHT``); the real test split
never reaches this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from analysis.compact import compact
from analysis.corpus import Example
from analysis.evidence import Stacker, best_clause, clause_scores, length_feature, stack_features
from analysis.features import Featurizer, doc_groups, urgent_lexicon_matrix
from analysis.lexicon import is_no_subject
from analysis.metrics import micro_f1
from analysis.model import ALARM_THEMES, ConstantClassifier, Model, RawPredictions, urgent_features
from analysis.polarity import polarity_matrix
from analysis.segment import prepare_many
from analysis.threads import single_threaded
from analysis.urgent import lexicon_scan

THEME_C = 8.0
POLARITY_C = 4.0
URGENT_C = 1.0
URGENT_STACK_C = 1.0
REASON_C = 8.0
FOLDS = 5
REAL_WEIGHT = 5.0  # a real comment counts this many written ones in fitting and tuning
VAL_WEIGHT = 2.0  # a validation comment, relative to a real out-of-fold training comment
URGENT_RECALL_TARGET = 0.95  # on written text, where the lexicon was curated
REAL_URGENT_RECALL_TARGET = 0.92  # on real text: tuned in-sample, 0.90 gave 0.885-0.893 out of fold; 0.92 gives 0.91
MIN_REAL_URGENT = 8  # real urgent comments needed before the urgent threshold is tuned on real text only
URGENT_REAL_BOOST = 4.0  # real comments weigh this much more again in the urgent text classifier
URGENT_STACK_REAL_BOOST = 5.0  # ... and in the urgent stacker (cross-validated: 1 to 5 rank alike; 5 fits real text)
THRESHOLD_WRITTEN_WEIGHT = 1.0  # written rows' share in tuning theme thresholds (real text is what they serve)
FALLBACK_MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def sample_weights(examples: list[Example], real_weight: float = REAL_WEIGHT) -> np.ndarray:
    """Fitting weight of each example: real (and staff-corrected) comments weigh ``real_weight``."""
    return np.array([real_weight if ex.is_real else 1.0 for ex in examples])


def _logreg(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=1000)


def _fit_binary(x: Any, y: np.ndarray, c: float, w: np.ndarray, balanced: bool = True) -> Any:
    """Logistic regression, or a constant classifier when ``y`` has a single class."""
    if y.min() == y.max():
        return ConstantClassifier(bool(y[0]) if len(y) else False)
    clf = LogisticRegression(C=c, solver="liblinear", class_weight="balanced" if balanced else None, max_iter=1000)
    return clf.fit(x, y, sample_weight=w)


def _fit_themes(x: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fit one binary model per theme; returns (coef matrix, intercepts)."""
    # float64 like the features: a float32 matrix would be converted on every product (the worker's cost)
    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float64)
    for t in range(y.shape[1]):
        if 0 < y[:, t].sum() < len(y):
            clf = _logreg(THEME_C).fit(x, y[:, t], sample_weight=w)
            coef[:, t] = clf.coef_[0]
            intercept[t] = clf.intercept_[0]
    return coef, intercept


def best_threshold(scores: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> float:
    """Decision threshold maximising the (weighted) F1 of ``scores >= threshold``."""
    w = np.ones(len(y)) if w is None else w
    if (y * w).sum() == 0:
        return float("inf")
    order = np.argsort(-scores, kind="stable")
    s, yy, ww = scores[order], y[order], w[order]
    tp = np.cumsum(yy * ww)
    fp = np.cumsum((1 - yy) * ww)
    f1 = 2 * tp / (tp + fp + (yy * ww).sum())
    valid = np.r_[s[1:] < s[:-1], True]  # cut only between distinct scores
    k = int(np.argmax(np.where(valid, f1, -1)))
    return float((s[k] + s[k + 1]) / 2) if k + 1 < len(s) else float(s[k] - 1e-3)


def _oof(n: int, fit_predict) -> Any:
    """Out-of-fold predictions: ``fit_predict(train_idx, test_idx)`` per fold, results stitched back."""
    out: list[Any] = [None] * FOLDS
    folds = list(KFold(FOLDS, shuffle=True, random_state=0).split(np.arange(n)))
    for k, (tr, te) in enumerate(folds):
        out[k] = fit_predict(tr, te)
    return folds, out


def _stitch(n: int, folds: list, parts: list[np.ndarray]) -> np.ndarray:
    full = np.zeros((n,) + parts[0].shape[1:], dtype=np.float64)
    for (_, te), part in zip(folds, parts, strict=True):
        full[te] = part
    return full


def urgent_threshold(prob: np.ndarray, y: np.ndarray, w: np.ndarray, target: float = URGENT_RECALL_TARGET) -> float:
    """Largest probability threshold whose weighted recall still meets ``target``."""
    pos = (y == 1) & (w > 0)
    if not pos.any():
        return 0.5
    order = np.argsort(-prob[pos], kind="stable")
    p, pw = prob[pos][order], w[pos][order]
    k = int(np.searchsorted(np.cumsum(pw) / pw.sum(), target - 1e-9))
    return float(min(p[min(k, len(p) - 1)], 0.9))


def train_model(examples: list[Example], codes: tuple[str, ...], theme_words: dict[str, tuple[str, ...]],
                version: str = "dev", validation: list[Example] | None = None,
                real_weight: float | None = None) -> tuple[Model, dict[str, Any]]:
    """Train every component on ``examples`` (tuning also on ``validation``); returns the model and tuning info."""
    with single_threaded():
        return _train(examples, codes, theme_words, version, validation or [],
                      REAL_WEIGHT if real_weight is None else real_weight)


def _train(examples: list[Example], codes: tuple[str, ...], theme_words: dict[str, tuple[str, ...]],
           version: str, validation: list[Example], real_weight: float) -> tuple[Model, dict[str, Any]]:
    preps = prepare_many([ex.text for ex in examples])
    featurizer = Featurizer(codes, theme_words).fit(preps)
    counts = featurizer.clause_counts(preps)
    groups = doc_groups(preps)
    x = featurizer.weight(featurizer.aggregate(groups, counts))
    y = np.array([[code in ex.themes for code in codes] for ex in examples], dtype=np.int8)
    w = sample_weights(examples, real_weight)
    n = len(examples)
    clause_rows = [np.arange(groups[i].start, groups[i].stop) for i in range(n)]
    length = length_feature(groups)

    def theme_fold(tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        coef, icpt = _fit_themes(x[tr], y[tr], w[tr])
        doc = np.asarray(x[te] @ coef + icpt)
        rows = np.concatenate([clause_rows[i] for i in te]) if len(te) else np.zeros(0, dtype=np.int64)
        cs = clause_scores(featurizer, counts[rows], coef, icpt)
        sub_groups, start = [], 0
        for i in te:
            sub_groups.append(range(start, start + len(clause_rows[i])))
            start += len(clause_rows[i])
        return np.stack([doc, best_clause(sub_groups, cs, doc)], axis=2)

    folds, parts = _oof(n, theme_fold)
    oof = _stitch(n, folds, parts)
    oof_doc, oof_clause = oof[:, :, 0], oof[:, :, 1]
    raw_thresholds = np.array([best_threshold(oof_doc[:, t], y[:, t], w) for t in range(len(codes))],
                              dtype=np.float32)
    feats = stack_features(oof_doc, oof_clause, length)
    stacker = Stacker(len(codes)).fit(feats, y, w)
    oof_logits = stacker.logit(feats)
    coef, intercept = _fit_themes(x, y, w)

    hits = [lexicon_scan(p.plain) for p in preps]
    u = sp.hstack([x, urgent_lexicon_matrix(hits)], format="csr")
    yu = np.array([ex.urgent for ex in examples], dtype=np.int8)
    real = np.array([ex.is_real for ex in examples])
    wu = w * np.where(real, URGENT_REAL_BOOST, 1.0)
    ufolds, uparts = _oof(n, lambda tr, te: _fit_binary(x[tr], yu[tr], URGENT_C, wu[tr]).predict_proba(x[te])[:, 1])
    oof_u = _stitch(n, ufolds, uparts)
    urgent = _fit_binary(x, yu, URGENT_C, wu)
    alarm = [codes.index(c) for c in sorted(ALARM_THEMES) if c in codes]
    ufeats = urgent_features(oof_u, hits, length, oof_logits[:, alarm], preps)
    urgent_stack = _fit_binary(ufeats, yu, URGENT_STACK_C, w * np.where(real, URGENT_STACK_REAL_BOOST, 1.0),
                               balanced=False)

    reason_idx = [i for i, ex in enumerate(examples) if ex.urgent and ex.urgent_reason]
    reasons = [examples[i].urgent_reason for i in reason_idx]
    reason = None
    if len(set(reasons)) >= 2:
        reason = LogisticRegression(C=REASON_C, max_iter=2000).fit(u[reason_idx], reasons)
    default_reason = max(set(reasons), key=reasons.count) if reasons else "safety"

    cs_full = clause_scores(featurizer, counts, coef, intercept)
    pairs = [(i, t) for i, ex in enumerate(examples) for t, code in enumerate(codes) if code in ex.themes]
    ypol = np.array([examples[i].themes[codes[t]] == "pos" for i, t in pairs], dtype=np.int8)
    pol_x = polarity_matrix(preps, pairs, x, counts, featurizer, cs_full, raw_thresholds)
    polarity = _fit_binary(pol_x, ypol, POLARITY_C, np.array([w[i] for i, _ in pairs]), balanced=False)

    model = Model(version, codes, featurizer, coef, intercept, raw_thresholds, stacker,
                  np.zeros(len(codes)), 0.0, compact(polarity), compact(urgent), compact(urgent_stack), 0.5,
                  compact(reason), default_reason)

    # Tuning rows: out-of-fold training rows plus the real validation split (scored by the final model).
    generic = [is_no_subject(p.plain) for p in preps]
    u_prob = urgent_stack.predict_proba(ufeats)[:, 1]
    tune_logits, tune_y, tune_w, tune_generic = oof_logits, y, w, generic
    tune_u, tune_yu = u_prob, yu
    tune_real = np.array([ex.is_real for ex in examples])
    if validation:
        vraw = model.raw([ex.text for ex in validation])
        vy = np.array([[code in ex.themes for code in codes] for ex in validation], dtype=np.int8)
        vw = sample_weights(validation, real_weight) * VAL_WEIGHT
        tune_logits = np.vstack([oof_logits, vraw.theme_logits])
        tune_y, tune_w = np.vstack([y, vy]), np.r_[w, vw]
        tune_generic = generic + vraw.generic
        tune_u = np.r_[u_prob, model.urgent_probability(vraw)]
        tune_yu = np.r_[yu, [ex.urgent for ex in validation]]
        tune_real = np.r_[tune_real, [ex.is_real for ex in validation]]
    thr_w = tune_w * np.where(tune_real, 1.0, THRESHOLD_WRITTEN_WEIGHT)
    model.logit_thresholds = np.array(
        [best_threshold(tune_logits[:, t], tune_y[:, t], thr_w) for t in range(len(codes))])
    real_urgent = int((tune_yu * tune_real).sum())
    if real_urgent >= MIN_REAL_URGENT:  # enough real urgent comments: the office's recall is measured on real text
        model.urgent_threshold = urgent_threshold(tune_u, tune_yu, tune_real.astype(float), REAL_URGENT_RECALL_TARGET)
    else:
        model.urgent_threshold = urgent_threshold(tune_u, tune_yu, tune_w)

    tune_raw = RawPredictions([], sp.csr_matrix((0, 0)), sp.csr_matrix((0, 0)), tune_logits, [], sp.csr_matrix((0, 0)),
                              tune_generic, np.zeros((0, len(codes))), tune_logits)
    gold_sets = [set(np.flatnonzero(row).tolist()) for row in tune_y]
    model.fallback_margin = _choose_margin(model, tune_raw, gold_sets)
    real_rows = np.flatnonzero(tune_real)
    flagged = tune_u[real_rows] >= model.urgent_threshold
    real_yu = tune_yu[real_rows] == 1
    detected = model.detect(tune_raw)
    errors = {c: [0, 0, 0] for c in codes}  # tp, fp, fn on the real tuning rows
    for i in real_rows:
        for t in gold_sets[i] | set(detected[i]):
            errors[codes[t]][0 if t in gold_sets[i] and t in detected[i] else 1 if t in detected[i] else 2] += 1
    info = {
        "real_tuning_errors": errors,
        "real_tuning_micro_f1": micro_f1([gold_sets[i] for i in real_rows], [set(detected[i]) for i in real_rows]),
        "real_tuning_urgent_recall": float((flagged & real_yu).sum() / max(real_yu.sum(), 1)),
        "real_tuning_urgent_precision": float((flagged & real_yu).sum() / max(flagged.sum(), 1)),
        "n_train": n,
        "n_real_train": int(sum(ex.is_real for ex in examples)),
        "n_validation": len(validation),
        "real_weight": real_weight,
        "tuning_micro_f1": micro_f1(gold_sets, [set(d) for d in model.detect(tune_raw)]),
        "fallback_margin": model.fallback_margin,
        "urgent_threshold": model.urgent_threshold,
        "urgent_tuned_on": "real" if real_urgent >= MIN_REAL_URGENT else "all",
        "thresholds": {c: float(model.logit_thresholds[t]) for t, c in enumerate(codes)},
    }
    return model, info


def _choose_margin(model: Model, raw: RawPredictions, gold_sets: list[set[int]]) -> float:
    best, best_f1 = 0.0, -1.0
    for margin in FALLBACK_MARGINS:
        model.fallback_margin = margin
        f1 = micro_f1(gold_sets, [set(d) for d in model.detect(raw)])
        if f1 > best_f1 + 1e-9:
            best, best_f1 = margin, f1
    return best
