"""The plain-numpy stand-ins count and score exactly like the scikit-learn parts they replace."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from analysis.compact import CharVocab, Linear, TokenVocab
from analysis.corpus import read_jsonl, training_files
from analysis.features import CHAR_NGRAMS, identity
from analysis.segment import prepare_many


def _docs(n: int = 400):
    texts = [ex.text for ex in read_jsonl(training_files()[0])[:n]] + ["a", "ab", "  ", "", "医 院", "x y z"]
    return prepare_many(texts)


def test_char_counter_equals_scikit_learn_char_wb() -> None:
    """CharVocab gives the same counts as CountVectorizer(analyzer='char_wb') on corpus clauses."""
    docs = _docs()
    texts = [t for d in docs for t in d.clause_texts] + ["a", "ab", "abc d", " x  y "]
    fitted = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, lowercase=False,
                             dtype=np.float32).fit([d.text for d in docs] + ["a", "ab", "a", "ab"])
    ours = CharVocab(fitted.vocabulary_, CHAR_NGRAMS).transform(texts)
    assert (ours != fitted.transform(texts)).nnz == 0


def test_token_counter_equals_scikit_learn() -> None:
    """TokenVocab gives the same counts as CountVectorizer on pre-tokenised clauses."""
    docs = _docs()
    tokens = [c for d in docs for c in d.clause_tokens]
    fitted = CountVectorizer(analyzer=identity, dtype=np.float32).fit([d.tokens for d in docs[:200]])
    assert (TokenVocab(fitted.vocabulary_).transform(tokens) != fitted.transform(tokens)).nnz == 0


def test_linear_equals_logistic_regression_probabilities() -> None:
    """Linear.predict_proba equals the fitted model's, binary and multinomial."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 6))
    for y in (x[:, 0] > 0, np.digitize(x[:, 1], [-0.5, 0.5])):
        fitted = LogisticRegression(max_iter=500).fit(x, y)
        assert np.allclose(Linear(fitted).predict_proba(x), fitted.predict_proba(x))
        assert list(Linear(fitted).classes_) == list(fitted.classes_)
