"""Labelled corpus loading, validation and the deterministic splits.

Two kinds of text: comments written for the project (``corpus/*.jsonl``, source ``ours``) and real
public comments (``corpus/real/*.jsonl``, each with its ``source``). Written text keeps its 20 %
held-out split; real text is split by a hash of its normalised text into a held-out test part that
nothing trains or tunes on, a validation part for thresholds and a training part.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis.urgent import REASONS

log = logging.getLogger(__name__)

DEFAULT_CORPUS_DIR = Path(__file__).with_name("corpus")
DEFAULT_EVAL_DIR = Path(__file__).with_name("eval")
HELD_OUT_PERCENT = 20
REAL_SUBDIR = "real"
REAL_TEST_PERCENT = 25  # real held-out test split: never trained or tuned on
REAL_VAL_PERCENT = 15  # real validation split: thresholds and calibration
WRITTEN = "ours"
LONG_CHARS = 60  # comments longer than this count as long in the reports
POLARITIES = ("pos", "neg")
_KEY_DROP = re.compile(r"[\W_]+")


@dataclass(slots=True)
class Example:
    """One labelled comment."""

    text: str
    themes: dict[str, str] = field(default_factory=dict)
    urgent: bool = False
    urgent_reason: str | None = None
    source: str = WRITTEN  # "ours" for text written for the project, else the real source id
    kind: str | None = None  # review, letter, hotline, board, forum, news (real text)

    @property
    def is_real(self) -> bool:
        """True for a real public comment (or a staff correction of one)."""
        return self.source != WRITTEN


def corpus_dir() -> Path:
    """Corpus directory (env ``ANALYSIS_CORPUS_DIR`` overrides the package default)."""
    env = os.environ.get("ANALYSIS_CORPUS_DIR")
    return Path(env) if env else DEFAULT_CORPUS_DIR


def eval_dir() -> Path:
    """Evaluation sets written by other people (env ``ANALYSIS_EVAL_DIR`` overrides the default)."""
    env = os.environ.get("ANALYSIS_EVAL_DIR")
    return Path(env) if env else DEFAULT_EVAL_DIR


def eval_files() -> list[Path]:
    """The evaluation sets: never trained or tuned on."""
    return sorted(eval_dir().glob("*.jsonl"))


def is_held_out(text: str) -> bool:
    """Deterministic ~20% held-out membership from a hash of the text."""
    digest = hashlib.sha1(text.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


def split_key(text: str) -> str:
    """The text a split is decided on: normalised, without punctuation or spaces.

    Near-identical copies (a letter posted twice, traditional and simplified versions) share a key,
    so they always fall into the same split.
    """
    from analysis.normalize import normalize

    return _KEY_DROP.sub("", normalize(text))


def real_part(text: str) -> str:
    """``"test"``, ``"val"`` or ``"train"`` for a real comment, from a stable hash of its key."""
    digest = hashlib.sha1(("real:" + split_key(text)).encode("utf-8")).digest()
    bucket = int.from_bytes(digest[:4], "big") % 100
    if bucket < REAL_TEST_PERCENT:
        return "test"
    return "val" if bucket < REAL_TEST_PERCENT + REAL_VAL_PERCENT else "train"


def parse_example(obj: object, codes: set[str]) -> Example:
    """Validate one decoded JSON object and build an Example (ValueError if invalid)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError("record must be an object with a string 'text'")
    themes = obj.get("themes") or {}
    if not isinstance(themes, dict):
        raise ValueError("'themes' must be an object")
    clean: dict[str, str] = {}
    for code, pol in themes.items():
        if code not in codes or pol not in POLARITIES:
            raise ValueError(f"bad theme label {code!r}: {pol!r}")
        clean[code] = pol
    urgent = bool(obj.get("urgent", False))
    reason = obj.get("urgent_reason")
    if reason is not None and reason not in REASONS:
        raise ValueError(f"bad urgent_reason {reason!r}")
    source = obj.get("source") or WRITTEN
    kind = obj.get("kind")
    if not isinstance(source, str) or (kind is not None and not isinstance(kind, str)):
        raise ValueError("'source' and 'kind' must be strings")
    return Example(text=obj["text"], themes=clean, urgent=urgent, urgent_reason=reason if urgent else None,
                   source=source, kind=kind)


def read_jsonl(path: Path) -> list[Example]:
    """Read a labelled JSONL file, skipping (and logging) invalid or partial lines."""
    from analysis.taxonomy import CODES

    codes = set(CODES)
    out: list[Example] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(parse_example(json.loads(line), codes))
            except ValueError as exc:  # includes JSONDecodeError
                log.warning("%s:%d skipped: %s", path.name, lineno, exc)
    return out


def training_files(directory: Path | None = None) -> list[Path]:
    """All corpus files usable for training/tuning (the evaluation sets live elsewhere)."""
    return sorted((directory or corpus_dir()).glob("*.jsonl"))


def real_files(directory: Path | None = None) -> list[Path]:
    """The real-comment files (``corpus/real/*.jsonl``)."""
    return sorted(((directory or corpus_dir()) / REAL_SUBDIR).glob("*.jsonl"))


def _real(directory: Path | None = None) -> list[Example]:
    out: list[Example] = []
    for path in real_files(directory):
        for ex in read_jsonl(path):
            if not ex.is_real:  # a real file's rows are real even when a row forgot its source
                ex.source = path.stem
            out.append(ex)
    return out


def real_test_set(directory: Path | None = None) -> list[Example]:
    """The real held-out test split: never trained on, never tuned on."""
    return [ex for ex in _real(directory) if real_part(ex.text) == "test"]


def unseen_keys(directory: Path | None = None) -> set[str]:
    """Split keys no training or tuning may see: evaluation sets and the real test split."""
    keys = {split_key(ex.text) for path in eval_files() for ex in read_jsonl(path)}
    keys.update(split_key(ex.text) for ex in real_test_set(directory))
    return keys


def load_corpus(labels: Path | None = None, directory: Path | None = None) -> list[Example]:
    """Written and real (non-test) examples plus staff-corrected labels (which override same-text rows).

    Staff labels are real hospital comments: without a ``source`` they count as source ``staff``.
    """
    by_text: dict[str, Example] = {}
    for path in training_files(directory):
        for ex in read_jsonl(path):
            by_text[ex.text.strip()] = ex
    for ex in _real(directory):
        by_text[ex.text.strip()] = ex
    if labels is not None:
        for ex in read_jsonl(labels):
            if not ex.is_real:
                ex.source = "staff"
            by_text[ex.text.strip()] = ex
    # Leakage guard: never train or tune on a text (or a near copy) of an evaluation set or the real test split.
    unseen = unseen_keys(directory)
    return [ex for ex in by_text.values() if split_key(ex.text) not in unseen]


def part_of(ex: Example) -> str:
    """``"train"``, ``"val"`` or ``"held_out"`` for an example of ``load_corpus``.

    Written text: 20 % held out by hash. Real text from the corpus: its real split (the test part never
    reaches here). Staff corrections always train.
    """
    if ex.source == "staff":
        return "train"
    if not ex.is_real:
        return "held_out" if is_held_out(ex.text) else "train"
    return "val" if real_part(ex.text) == "val" else "train"


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Split into (train, written held_out) by text hash; real validation rows go to neither."""
    train = [ex for ex in examples if part_of(ex) == "train"]
    held = [ex for ex in examples if part_of(ex) == "held_out"]
    return train, held


def validation(examples: list[Example]) -> list[Example]:
    """The real validation rows of ``examples`` (threshold tuning and calibration)."""
    return [ex for ex in examples if part_of(ex) == "val"]


def is_long(text: str) -> bool:
    """A long comment for the per-length reports."""
    return len(text.strip()) > LONG_CHARS


def data_hash(examples: list[Example]) -> str:
    """Short stable hash of the training examples (texts and labels)."""
    h = hashlib.sha1()
    for ex in sorted(examples, key=lambda e: e.text):
        rec = [ex.text, sorted(ex.themes.items()), ex.urgent, ex.urgent_reason]
        h.update(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:8]
