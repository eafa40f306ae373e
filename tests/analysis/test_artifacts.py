"""Model artifacts: activation guard and scikit-learn version check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis import artifacts, cli
from analysis.corpus import corpus_dir, is_held_out, read_jsonl
from analysis.pipeline import ensure_model, train_and_activate


def test_first_use_trains_and_activates(isolated_dirs: Path) -> None:
    """With no artifact, ensure_model trains one and writes the active pointer."""
    model = ensure_model()
    assert artifacts.active_version() == model.version
    assert (isolated_dirs / model.version / "metrics.json").exists()


def test_train_refuses_worse_model(isolated_dirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A model with worse held-out metrics is saved but not activated, exit code non-zero."""
    assert train_and_activate().activated
    good = artifacts.active_version()
    bad_labels = tmp_path / "bad.jsonl"
    with open(bad_labels, "w", encoding="utf-8") as fh:
        for ex in read_jsonl(next(corpus_dir().glob("*.jsonl"))):
            if is_held_out(ex.text):  # corrupt only the training portion
                continue
            fh.write(json.dumps({"text": ex.text, "themes": {"food": "pos"}, "urgent": False},
                                ensure_ascii=False) + "\n")
    code = cli.main(["train", "--labels", str(bad_labels)])
    assert code != 0
    assert "refused" in capsys.readouterr().err
    assert artifacts.active_version() == good
    assert len([p for p in isolated_dirs.iterdir() if p.is_dir() and not p.name.startswith(".")]) == 2
    assert cli.main(["train", "--labels", str(bad_labels), "--force"]) == 0
    assert artifacts.active_version() != good


def test_artifact_from_other_sklearn_version_is_retrained(isolated_dirs: Path) -> None:
    """An active artifact written by another scikit-learn version is replaced, not loaded."""
    first = ensure_model().version
    meta_path = isolated_dirs / first / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.0.1"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(artifacts.StaleArtifact):
        artifacts.load(first)
    model = ensure_model()
    assert model.version != first
    assert artifacts.active_version() == model.version


@pytest.fixture
def with_real(isolated_dirs: Path, small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small corpus plus the repository's real comments; returns the model dir."""
    import shutil

    from analysis.corpus import DEFAULT_CORPUS_DIR, real_files

    sources = real_files(DEFAULT_CORPUS_DIR)
    if not sources:
        pytest.skip("no real corpus in this checkout")
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    (corpus / "real").mkdir()
    for path in sources:
        shutil.copy(path, corpus / "real" / path.name)
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(corpus))
    return isolated_dirs


def test_train_guards_on_the_real_held_out_split(with_real: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """With real comments, the guard compares real-held-out micro-F1 and records every set's figures."""
    first = train_and_activate()
    assert first.activated and first.metrics["guard_set"] == "real-held-out"
    sets = json.loads((with_real / first.version / "metrics.json").read_text(encoding="utf-8"))["scorecard"]["sets"]
    assert {"ours-held-out", "real-held-out"} <= set(sets)
    assert {"all", "short", "long", "urgent_by_reason"} <= set(sets["real-held-out"])
    bad_labels = tmp_path / "bad.jsonl"
    with open(bad_labels, "w", encoding="utf-8") as fh:
        for path in (with_real.parent / "corpus" / "real").glob("*.jsonl"):
            for ex in read_jsonl(path):  # staff labels on real text weigh as real: every one "food"
                fh.write(json.dumps({"text": ex.text, "themes": {"food": "pos"}}, ensure_ascii=False) + "\n")
        for ex in read_jsonl(next(corpus_dir().glob("*.jsonl"))):
            fh.write(json.dumps({"text": ex.text, "themes": {"food": "pos"}}, ensure_ascii=False) + "\n")
    assert cli.main(["train", "--labels", str(bad_labels)]) == cli.EXIT_REFUSED
    assert "real-held-out" in capsys.readouterr().err
    assert artifacts.active_version() == first.version
