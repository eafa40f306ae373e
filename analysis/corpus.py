"""Labelled corpus loading, validation and the deterministic held-out split."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from analysis.urgent import REASONS

log = logging.getLogger(__name__)

DEFAULT_CORPUS_DIR = Path(__file__).with_name("corpus")
DEFAULT_EVAL_DIR = Path(__file__).with_name("eval")
HELD_OUT_PERCENT = 20
POLARITIES = ("pos", "neg")


@dataclass(slots=True)
class Example:
    """One labelled comment."""

    text: str
    themes: dict[str, str] = field(default_factory=dict)
    urgent: bool = False
    urgent_reason: str | None = None


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
    return Example(text=obj["text"], themes=clean, urgent=urgent, urgent_reason=reason if urgent else None)


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


def load_corpus(labels: Path | None = None, directory: Path | None = None) -> list[Example]:
    """Corpus examples plus staff-corrected labels (which override same-text corpus rows)."""
    by_text: dict[str, Example] = {}
    for path in training_files(directory):
        for ex in read_jsonl(path):
            by_text[ex.text.strip()] = ex
    if labels is not None:
        for ex in read_jsonl(labels):
            by_text[ex.text.strip()] = ex
    # Leakage guard: never train on a text that is also in an evaluation set.
    unseen = {ex.text.strip() for path in eval_files() for ex in read_jsonl(path)}
    return [ex for text, ex in by_text.items() if text not in unseen]


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Split into (train, held_out) by text hash."""
    train = [ex for ex in examples if not is_held_out(ex.text)]
    held = [ex for ex in examples if is_held_out(ex.text)]
    return train, held


def data_hash(examples: list[Example]) -> str:
    """Short stable hash of the training examples (texts and labels)."""
    h = hashlib.sha1()
    for ex in sorted(examples, key=lambda e: e.text):
        rec = [ex.text, sorted(ex.themes.items()), ex.urgent, ex.urgent_reason]
        h.update(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()[:8]
