"""Shared fixtures: one model trained per session in a temporary model directory."""

from __future__ import annotations

import fcntl
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import analysis
from analysis.corpus import training_files


@pytest.fixture(scope="session")
def session_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A model directory holding a model trained once on the corpus, once per run: under pytest-xdist the
    first worker to get here trains it into the run's shared temporary folder and the others load it."""
    from analysis.pipeline import train_and_activate

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's root under xdist
    path = shared / "session-models"
    old = os.environ.get("ANALYSIS_MODEL_DIR")
    os.environ["ANALYSIS_MODEL_DIR"] = str(path)
    try:
        with open(shared / "session-models.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait here while one trains
            if not (path / "active").exists():
                outcome = train_and_activate(force=True)
                assert outcome.activated
        yield path
    finally:
        if old is None:
            os.environ.pop("ANALYSIS_MODEL_DIR", None)
        else:
            os.environ["ANALYSIS_MODEL_DIR"] = old


@pytest.fixture(scope="session")
def model(session_model_dir: Path) -> analysis.Model:
    """The session model, loaded through the public API."""
    return analysis.load_model(reload=True)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus directory with a few hundred training lines (fast to train on)."""
    path = tmp_path_factory.mktemp("corpus")
    lines: list[str] = []
    for src in training_files():
        with open(src, encoding="utf-8") as fh:
            lines.extend(itertools.islice(fh, 200))
    (path / "small.jsonl").write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def isolated_dirs(tmp_path: Path, small_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh model dir and the small corpus for tests that train; returns the model dir."""
    models = tmp_path / "models"
    monkeypatch.setenv("ANALYSIS_MODEL_DIR", str(models))
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(small_corpus))
    return models
