"""The labelled corpus: valid, big enough per theme, and kept apart from the evaluation sets."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest

from analysis.corpus import eval_files, load_corpus, read_jsonl, training_files
from analysis.taxonomy import CODES


def test_every_corpus_line_is_valid(caplog: pytest.LogCaptureFixture) -> None:
    """No line of a training or evaluation file is skipped as invalid."""
    with caplog.at_level(logging.WARNING, logger="analysis.corpus"):
        for path in [*training_files(), *eval_files()]:
            read_jsonl(path)
    assert not caplog.records, caplog.records[0].getMessage()


def test_corpus_covers_every_theme_and_the_no_subject_case() -> None:
    """At least 80 training comments per theme and 150 with no theme."""
    examples = load_corpus()
    per_theme = Counter(code for ex in examples for code in ex.themes)
    thin = {code: per_theme[code] for code in CODES if per_theme[code] < 80}
    assert not thin, thin
    assert sum(1 for ex in examples if not ex.themes) >= 150


def test_evaluation_sets_are_never_trained_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text that is in an evaluation set is dropped from training, and eval files are no training files."""
    corpus, evals = tmp_path / "corpus", tmp_path / "eval"
    corpus.mkdir()
    evals.mkdir()
    rows = [{"text": "停车太难了", "themes": {"parking": "neg"}}, {"text": "饭菜很好吃", "themes": {"food": "pos"}}]
    (corpus / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (evals / "fresh.jsonl").write_text(json.dumps(rows[0], ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ANALYSIS_EVAL_DIR", str(evals))
    assert [p.name for p in training_files()] == ["a.jsonl"]
    assert [ex.text for ex in load_corpus()] == ["饭菜很好吃"]
