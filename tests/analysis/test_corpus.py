"""The labelled corpus: valid, big enough per theme, and kept apart from the evaluation sets."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest

from analysis.corpus import (
    eval_files,
    is_long,
    load_corpus,
    read_jsonl,
    real_files,
    real_part,
    real_test_set,
    split,
    split_key,
    training_files,
    validation,
)
from analysis.taxonomy import CODES
from analysis.train import REAL_WEIGHT, sample_weights


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


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_real_split_is_stable_and_keeps_near_copies_together() -> None:
    """A real comment's split comes from its normalised text: traditional, spaced and punctuated copies agree,
    and the parts come out near 25 / 15 / 60 %."""
    assert real_part("醫院停車太難了，排隊一小時。") == real_part("医院停车太难了 排队一小时") == real_part("医院停车太难了排队一小时!!")
    parts = Counter(real_part(f"第{i}条评论：医院停车太难了") for i in range(4000))
    assert abs(parts["test"] / 4000 - 0.25) < 0.03 and abs(parts["val"] / 4000 - 0.15) < 0.03


def test_real_test_split_is_never_trained_or_tuned_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real test comments (and staff labels or written rows that copy them) never reach training or validation."""
    texts = [f"第{i}次来看病，挂号排了{i}分钟" for i in range(200)]
    test_texts = [t for t in texts if real_part(t) == "test"]
    _write(tmp_path / "corpus" / "real" / "board.jsonl",
           [{"text": t, "themes": {"waiting": "neg"}, "source": "board"} for t in texts])
    _write(tmp_path / "corpus" / "a.jsonl", [{"text": test_texts[0] + "。", "themes": {"waiting": "neg"}}])
    (tmp_path / "eval").mkdir()
    labels = tmp_path / "labels.jsonl"
    _write(labels, [{"text": test_texts[1].replace("看病", "看病 "), "themes": {"appointment": "neg"}}])
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ANALYSIS_EVAL_DIR", str(tmp_path / "eval"))
    examples = load_corpus(labels)
    seen = {split_key(ex.text) for ex in examples}
    assert test_texts and not seen & {split_key(t) for t in test_texts}
    assert {ex.text for ex in real_test_set()} == set(test_texts)
    train, _held = split(examples)
    val = validation(examples)
    assert val and not {ex.text for ex in val} & {ex.text for ex in train}
    assert all(ex.source == "board" and ex.is_real for ex in val)


def test_staff_labels_count_as_real_and_a_real_file_names_its_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exported staff labels have source 'staff'; a real row without a source takes its file's name."""
    _write(tmp_path / "corpus" / "a.jsonl", [{"text": "饭菜很好吃", "themes": {"food": "pos"}}])
    _write(tmp_path / "corpus" / "real" / "forum.jsonl",
           [{"text": f"病房第{i}晚很吵", "themes": {"environment": "neg"}} for i in range(20)])
    labels = tmp_path / "labels.jsonl"
    _write(labels, [{"id": 7, "text": "护士扎针很准", "themes": {"nursing": "pos"}, "model_themes": {}}])
    (tmp_path / "eval").mkdir()
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ANALYSIS_EVAL_DIR", str(tmp_path / "eval"))
    by_text = {ex.text: ex for ex in load_corpus(labels)}
    assert by_text["护士扎针很准"].source == "staff" and by_text["饭菜很好吃"].source == "ours"
    assert {ex.source for t, ex in by_text.items() if t.startswith("病房")} == {"forum"}
    assert list(sample_weights([by_text["饭菜很好吃"], by_text["护士扎针很准"]])) == [1.0, REAL_WEIGHT]


def test_real_held_out_split_holds_urgent_and_long_comments() -> None:
    """The real held-out split of the repository's corpus has urgent and long comments to measure."""
    test = real_test_set()
    if not real_files():
        pytest.skip("no real corpus in this checkout")
    assert sum(ex.urgent for ex in test) >= 5
    assert sum(is_long(ex.text) for ex in test) >= 10
    assert sum(not is_long(ex.text) for ex in test) >= 5
