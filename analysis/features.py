"""Sparse features: jieba-word TF-IDF, character 1-3-gram TF-IDF (both sublinear,
each block L2-normalised and weighted) and taxonomy-lexicon hits.

Text is counted once per clause; comment and clause-group (polarity context)
features are sums of clause counts, re-weighted with sparse matrix operations.
Character n-grams never cross clause boundaries ("char_wb" on clause texts), so
a comment's counts are exactly the sum of its clauses' counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from analysis.compact import CharVocab, TokenVocab
from analysis.segment import Prepared
from analysis.urgent import REASONS, LexiconHit

WORD_WEIGHT = 1.0
CHAR_WEIGHT = 3.0
LEXICON_WEIGHT = 0.5
CHAR_NGRAMS = (1, 3)
CHAR_MIN_DF = 2
LEX_LOG = 1.0


def identity(tokens: list[str]) -> list[str]:
    """Analyzer for pre-tokenised input (module level so it pickles)."""
    return tokens


class Featurizer:
    """Vocabularies, IDF weights and the clause -> comment aggregation."""

    def __init__(self, codes: tuple[str, ...], theme_words: dict[str, tuple[str, ...]]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.codes = codes
        self.word: Any = CountVectorizer(analyzer=identity, dtype=np.float32)
        self.char: Any = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=CHAR_MIN_DF,
                                         lowercase=False, dtype=np.float32)
        self.word_themes: dict[str, list[int]] = {}
        for idx, code in enumerate(codes):
            for word in theme_words.get(code, ()):
                self.word_themes.setdefault(word, []).append(idx)
        words = sorted(self.word_themes, key=len, reverse=True)
        self.lexicon_re = re.compile("|".join(map(re.escape, words)))
        self.idf = np.zeros(0, dtype=np.float32)
        self.n_word = self.n_char = 0

    def fit(self, docs: list[Prepared]) -> Featurizer:
        """Fit vocabularies and IDF on whole comments."""
        self.word.fit([d.tokens for d in docs])
        self.char.fit([d.text for d in docs])
        self.word = TokenVocab(self.word.vocabulary_)  # plain counters: loading needs no scikit-learn
        self.char = CharVocab(self.char.vocabulary_, CHAR_NGRAMS)
        self.n_word, self.n_char = len(self.word.vocabulary_), len(self.char.vocabulary_)
        counts = self.aggregate(doc_groups(docs), self.clause_counts(docs))
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        self.idf = (np.log((1 + len(docs)) / (1 + df)) + 1).astype(np.float32)
        return self

    def _lexicon(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Per-theme counts of taxonomy words found as substrings (longest match first)."""
        rows: list[int] = []
        cols: list[int] = []
        lookup = self.word_themes
        finditer = self.lexicon_re.finditer
        for i, text in enumerate(texts):
            for m in finditer(text):
                for t in lookup[m.group()]:
                    rows.append(i)
                    cols.append(t)
        data = np.ones(len(rows), dtype=np.float64)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.codes)))

    def clause_counts(self, docs: list[Prepared]) -> sp.csr_matrix:
        """Raw counts for every clause of ``docs`` in order: [words | chars | lexicon]."""
        tokens = [c for d in docs for c in d.clause_tokens]
        texts = [t for d in docs for t in d.clause_texts]
        blocks = [self.word.transform(tokens), self.char.transform(texts), self._lexicon(texts)]
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    @staticmethod
    def aggregate(groups: Sequence[Sequence[int]], counts: sp.csr_matrix) -> sp.csr_matrix:
        """Rows summing the clause rows listed in each group."""
        rows = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
        cols = np.fromiter((c for g in groups for c in g), dtype=np.int64, count=len(rows))
        agg = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                            shape=(len(groups), counts.shape[0]))
        return (agg @ counts).tocsr()

    def weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Counts -> features: sublinear TF-IDF per block, L2-normalised and weighted."""
        x = counts.astype(np.float64)  # float64 + sorted indices: liblinear is slow otherwise
        x.sort_indices()
        n_text = self.n_word + self.n_char
        row = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        text = x.indices < n_text
        data = x.data
        data[text] = (1.0 + np.log(data[text])) * self.idf[x.indices[text]]
        block = (x.indices >= self.n_word).astype(np.int64) + (~text)
        sq = np.zeros((x.shape[0], 3), dtype=np.float64)
        np.add.at(sq, (row, block), data.astype(np.float64) ** 2)
        scale = np.array([WORD_WEIGHT, CHAR_WEIGHT, 0.0]) / np.sqrt(np.maximum(sq, 1e-12))
        data[text] *= scale[row[text], block[text]]
        data[~text] = LEXICON_WEIGHT * (1.0 + LEX_LOG * np.log(data[~text]))  # lexicon block
        return x

    def transform_docs(self, docs: list[Prepared]) -> sp.csr_matrix:
        """Features for whole comments."""
        return self.weight(self.aggregate(doc_groups(docs), self.clause_counts(docs)))


def doc_groups(docs: list[Prepared]) -> list[range]:
    """Clause index ranges of each comment within a flattened clause list."""
    groups: list[range] = []
    start = 0
    for d in docs:
        groups.append(range(start, start + len(d.clause_tokens)))
        start += len(d.clause_tokens)
    return groups


def urgent_lexicon_matrix(hits: list[LexiconHit]) -> sp.csr_matrix:
    """One column per reason for matched and one per reason for negated-only matches."""
    n_reasons = len(REASONS)
    index = {r: i for i, r in enumerate(REASONS)}
    rows: list[int] = []
    cols: list[int] = []
    for i, hit in enumerate(hits):
        for r in hit.reasons:
            rows.append(i)
            cols.append(index[r])
        for r in hit.negated:
            rows.append(i)
            cols.append(n_reasons + index[r])
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(hits), 2 * n_reasons))
