"""Tokenisation (jieba + hospital user dictionary) and clause splitting.

The jieba tokenizer is created lazily on first use, never at import time.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from analysis.lexicon import NEGATORS, POS_CUES, cue_tokens
from analysis.normalize import EMO_TOKENS, normalize, strip_placeholders

USERDICT_PATH = Path(__file__).with_name("userdict.txt")

PUNCT = frozenset(
    "，,。.！!？?；;：:、~…—-（）()【】[]「」『』\"'“”‘’《》<>/\\|·*#@$%^&=+_`"
    "\n\r\t "
)
CONTRAST = frozenset({"但是", "但", "可是", "不过", "然而", "可惜", "却是", "但还是"})
CLAUSE_INITIAL_CONTRAST = frozenset({"就是", "只是", "唯一", "美中不足"})

_lock = threading.Lock()
_tokenizer = None


def get_tokenizer():  # -> jieba.Tokenizer (jieba imported lazily)
    """Return the process-wide jieba tokenizer with the hospital dictionary loaded."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(USERDICT_PATH))
                _tokenizer = tok
    return _tokenizer


@dataclass(slots=True)
class Prepared:
    """A normalised, tokenised comment split into clauses."""

    plain: str  # normalised text without emoji placeholders (for regex lexicons)
    tokens: list[str]  # word features of the whole comment
    text: str  # character-model text: clauses joined by spaces
    clause_tokens: list[list[str]]  # word features per clause
    clause_texts: list[str]


def _split_clauses(raw_tokens: list[str]) -> tuple[list[list[str]], list[str]]:
    """Split a token stream into clauses on punctuation, emoji and contrast words."""
    clauses: list[list[str]] = []
    cur: list[str] = []
    for tok in raw_tokens:
        emo = EMO_TOKENS.get(tok)
        if emo is not None:
            cur.append(emo)
            clauses.append(cur)
            cur = []
        elif tok in PUNCT or tok.isspace():
            if cur:
                clauses.append(cur)
                cur = []
        elif tok in CONTRAST or (tok in CLAUSE_INITIAL_CONTRAST and (not cur or cur[-1] in POS_CUES)):
            if cur:
                clauses.append(cur)
            cur = [tok]
        else:
            cur.append(tok)
    if cur:
        clauses.append(cur)
    return clauses, ["".join(t for t in c if not t.startswith("emo_")) for c in clauses]


def word_features(tokens: list[str]) -> list[str]:
    """Tokens, negation-marked copies ("!x") of tokens after a negator, and cue tokens."""
    out = list(tokens)
    out.extend(cue_tokens(tokens))
    for i in range(len(tokens) - 1):
        if tokens[i] in NEGATORS:
            out.append("!" + tokens[i + 1])
    return out


def prepare(text: str) -> Prepared:
    """Normalise, tokenise and clause-split one comment."""
    norm = normalize(text)
    raw = get_tokenizer().lcut(norm, HMM=False) if norm else []
    raw_clauses, clause_texts = _split_clauses(raw)
    clause_tokens = [word_features(c) for c in raw_clauses]
    tokens = [tok for clause in clause_tokens for tok in clause]
    return Prepared(
        plain=strip_placeholders(norm),
        tokens=tokens,
        text=" ".join(t for t in clause_texts if t),
        clause_tokens=clause_tokens,
        clause_texts=clause_texts,
    )


def prepare_many(texts: list[str]) -> list[Prepared]:
    """Prepare a batch of comments."""
    get_tokenizer()
    return [prepare(t) for t in texts]
