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
