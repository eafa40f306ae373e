"""The trained classifier: clause-level theme evidence, clause-level polarity, urgent flag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from analysis.evidence import Stacker, best_clause, clause_scores, length_feature, stack_features
from analysis.features import Featurizer, doc_groups, urgent_lexicon_matrix
from analysis.lexicon import is_no_subject
from analysis.polarity import polarity_matrix
from analysis.result import Classification
from analysis.segment import Prepared, prepare_many
from analysis.threads import single_threaded
from analysis.uncertainty import uncertainty
from analysis.urgent import LexiconHit, lexicon_scan

MODEL_FORMAT = 7  # bump whenever the pickled structure or features change
BATCH_SIZE = 2000
# Without a lexicon hit, two kinds of comment need a confident classifier before they alarm anyone:
# a signal seen only negated ("拒收红包") and a comment whose every theme is praise ("核对很仔细，很放心").
CONFIDENT_URGENT_PROB = 0.5
# Praise that touches these themes keeps the low threshold: "护士把两个宝宝的手环戴反了" can be misread as praise.
ALARM_THEMES = frozenset({"safety", "ethics", "privacy"})


class ConstantClassifier:
    """Stand-in for a binary classifier when training labels have a single class."""

    def __init__(self, positive: bool) -> None:
        self.positive = positive

    def predict_proba(self, x: sp.spmatrix) -> np.ndarray:
        """Probabilities (neg, pos) that ignore the input."""
        p = 1.0 if self.positive else 0.0
        return np.tile([1.0 - p, p], (x.shape[0], 1))


@dataclass
class RawPredictions:
    """Per-batch intermediate predictions (also used by training-time tuning)."""

    preps: list[Prepared]
    clause_counts: sp.csr_matrix
    doc_matrix: sp.csr_matrix
    theme_scores: np.ndarray  # whole-comment decision scores
    hits: list[LexiconHit]
    urgent_matrix: sp.csr_matrix
    generic: list[bool]  # no-subject comments
    clause_scores: np.ndarray  # (n_clauses, n_themes)
    theme_logits: np.ndarray  # calibrated log-odds from the clause/comment evidence

    @property
    def theme_prob(self) -> np.ndarray:
        """Calibrated theme probabilities, (n, n_themes)."""
        return 1.0 / (1.0 + np.exp(-self.theme_logits))


def _logodds(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def urgent_features(cls_prob: np.ndarray, hits: list[LexiconHit], length: np.ndarray,
                    alarm_logits: np.ndarray, preps: list[Prepared]) -> np.ndarray:
    """Urgent decision features: classifier log-odds, lexicon hits per reason, negated-only, length, the
    calibrated log-odds of the alarm themes (safety, ethics, privacy) and the context cues (``urgent.CUES``)."""
    from analysis.urgent import CUES, REASONS, cue_counts

    base = 4 + len(REASONS) + alarm_logits.shape[1]
    f = np.zeros((len(hits), base + len(CUES)))
    f[:, 4 + len(REASONS):base] = np.clip(alarm_logits, -10, 10)
    f[:, base:] = np.log1p(np.array([cue_counts(pr.plain) for pr in preps], dtype=np.float64).reshape(-1, len(CUES)))
    f[:, 0] = _logodds(cls_prob)
    for i, hit in enumerate(hits):
        f[i, 1] = bool(hit.reasons)
        f[i, 2] = bool(hit.negated) and not hit.reasons
        for r in hit.reasons:
            f[i, 4 + REASONS.index(r)] = 1.0
    f[:, 3] = length
    return f


@dataclass
class Model:
    """All fitted parts of one model version."""

    version: str
    codes: tuple[str, ...]
    featurizer: Featurizer
    theme_coef: np.ndarray  # (n_features, n_themes)
    theme_intercept: np.ndarray  # (n_themes,)
    theme_thresholds: np.ndarray  # decision-function thresholds (polarity context clauses), (n_themes,)
    stacker: Stacker  # clause + comment evidence -> calibrated log-odds
    logit_thresholds: np.ndarray  # per-theme thresholds on the calibrated log-odds
    fallback_margin: float  # take the best theme if within this margin of its threshold
    # Fitted logistic regressions are kept as analysis.compact.Linear (or ConstantClassifier)
    polarity: Any  # classes: 0 = neg, 1 = pos
    urgent: Any  # sees text features only
    urgent_stack: Any  # classifier + lexicon evidence -> probability
    urgent_threshold: float  # on the urgent_stack probability (recall first)
    reason: Any  # None, or sees text + urgent-lexicon features
    default_reason: str

    def raw(self, texts: list[str]) -> RawPredictions:
        """Featurise a batch and compute theme scores and urgent features."""
        preps = prepare_many(texts)
        counts = self.featurizer.clause_counts(preps)
        x = self.featurizer.weight(self.featurizer.aggregate(doc_groups(preps), counts))
        scores = np.asarray(x @ self.theme_coef + self.theme_intercept)
        hits = [lexicon_scan(p.plain) for p in preps]
        u = sp.hstack([x, urgent_lexicon_matrix(hits)], format="csr")
        generic = [is_no_subject(p.plain) for p in preps]
        groups = doc_groups(preps)
        cs = clause_scores(self.featurizer, counts, self.theme_coef, self.theme_intercept)
        logits = self.stacker.logit(stack_features(scores, best_clause(groups, cs, scores), length_feature(groups)))
        return RawPredictions(preps, counts, x, scores, hits, u, generic, cs, logits)

    def detect(self, raw: RawPredictions) -> list[list[int]]:
        """Theme indices detected per comment (none for no-subject comments)."""
        margin = raw.theme_logits - self.logit_thresholds
        out: list[list[int]] = []
        for i in range(len(raw.generic)):
            if raw.generic[i]:
                out.append([])
                continue
            found = np.flatnonzero(margin[i] >= 0).tolist()
            if not found:
                best = int(np.argmax(margin[i]))
                if margin[i, best] >= -self.fallback_margin:
                    found = [best]
            out.append(found)
        return out

    def reasons(self, raw: RawPredictions, rows: list[int]) -> list[str]:
        """Urgent reason per row: the likeliest lexicon reason, else the classifier's."""
        if not rows:
            return []
        if self.reason is None:
            return [(raw.hits[i].reasons or [self.default_reason])[0] for i in rows]
        proba = self.reason.predict_proba(raw.urgent_matrix[rows])
        out: list[str] = []
        for i, p in zip(rows, proba, strict=True):
            probs = dict(zip(self.reason.classes_, p, strict=True))
            candidates = raw.hits[i].reasons or list(probs)
            out.append(max(candidates, key=lambda r: probs.get(r, 0.0)))
        return out

    def classify_many(self, texts: list[str]) -> list[Classification]:
        """Classify many comments, batched for speed; output order follows input."""
        results: list[Classification] = []
        with single_threaded():
            for start in range(0, len(texts), BATCH_SIZE):
                results.extend(self._classify_batch(texts[start:start + BATCH_SIZE]))
        return results

    def classify(self, text: str) -> Classification:
        """Classify one comment."""
        with single_threaded():
            return self._classify_batch([text])[0]

    def _classify_batch(self, texts: list[str]) -> list[Classification]:
        if not texts:
            return []
        raw = self.raw(texts)
        detected = self.detect(raw)
        pairs = [(i, t) for i, found in enumerate(detected) for t in found]
        pol = polarity_matrix(raw.preps, pairs, raw.doc_matrix, raw.clause_counts, self.featurizer,
                              raw.clause_scores, self.theme_thresholds)
        pos_prob = self.polarity.predict_proba(pol)[:, 1] if pairs else np.zeros(0)
        urgent_prob = self.urgent_probability(raw)
        confidence = raw.theme_prob
        results = [Classification(model_version=self.version) for _ in texts]
        for (i, t), p in zip(pairs, pos_prob, strict=True):
            code = self.codes[t]
            results[i].themes[code] = "pos" if p >= 0.5 else "neg"
            results[i].confidence[code] = round(float(confidence[i, t]), 4)
        unsure = uncertainty(confidence, self.logit_thresholds, urgent_prob, self.urgent_threshold)
        for i, res in enumerate(results):
            praise_only = (bool(res.themes) and "neg" not in res.themes.values()
                           and not ALARM_THEMES & res.themes.keys())
            res.urgent = self.is_urgent(raw.hits[i], float(urgent_prob[i]), raw.generic[i], praise_only)
            res.uncertainty = 0.0 if raw.generic[i] else round(float(unsure[i]), 4)
        flagged = [i for i, res in enumerate(results) if res.urgent]
        for i, reason in zip(flagged, self.reasons(raw, flagged), strict=True):
            results[i].urgent_reason = reason
        return results

    def urgent_probability(self, raw: RawPredictions) -> np.ndarray:
        """Probability that each comment is urgent, from the text classifier and the lexicon together."""
        cls = self.urgent.predict_proba(raw.doc_matrix)[:, 1]
        alarm = [self.codes.index(c) for c in sorted(ALARM_THEMES) if c in self.codes]
        feats = urgent_features(cls, raw.hits, length_feature(doc_groups(raw.preps)), raw.theme_logits[:, alarm],
                                raw.preps)
        return self.urgent_stack.predict_proba(feats)[:, 1]

    def is_urgent(self, hit: LexiconHit, prob: float, generic: bool, praise_only: bool = False) -> bool:
        """Urgent probability (classifier and lexicon evidence) over the recall-first threshold.

        Praise-only comments and signals seen only negated need a confident probability unless the
        lexicon names a reason.
        """
        if generic:
            return False
        if not hit.reasons and (hit.negated or praise_only):
            return prob >= max(self.urgent_threshold, CONFIDENT_URGENT_PROB)
        return prob >= self.urgent_threshold
