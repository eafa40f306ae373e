"""Versioned model artifacts on disk: ``<dir>/<version>/{model.joblib,meta.json,
metrics.json}`` plus an ``active`` pointer file naming the active version."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ACTIVE = "active"
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
METRICS_FILE = "metrics.json"


class StaleArtifact(RuntimeError):
    """The artifact cannot be used (missing, corrupt or another scikit-learn version)."""


def model_dir() -> Path:
    """Artifact directory: env ``ANALYSIS_MODEL_DIR`` or ``<repo>/instance/models``."""
    env = os.environ.get("ANALYSIS_MODEL_DIR")
    path = Path(env) if env else REPO_ROOT / "instance" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_version(data_hash: str) -> str:
    """Version name: UTC timestamp plus a short hash of the training data."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{data_hash}"


@contextlib.contextmanager
def locked(directory: Path | None = None) -> Iterator[None]:
    """Exclusive inter-process lock on the artifact directory."""
    directory = directory or model_dir()
    with open(directory / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")


def save(model: Any, meta: dict[str, Any], metrics: dict[str, Any]) -> Path:
    """Write an artifact directory atomically; returns its path."""
    import joblib

    root = model_dir()
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        joblib.dump(model, tmp / MODEL_FILE, compress=3)
        _write_json(tmp / META_FILE, meta)
        _write_json(tmp / METRICS_FILE, metrics)
        final = root / meta["version"]
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def active_version() -> str | None:
    """Name of the active version, or None when no pointer exists."""
    pointer = model_dir() / ACTIVE
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name or None


def set_active(version: str) -> None:
    """Atomically point ``active`` at ``version``."""
    root = model_dir()
    tmp = root / f".{ACTIVE}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, root / ACTIVE)


def read_json(version: str, name: str) -> dict[str, Any]:
    """Read ``meta.json`` or ``metrics.json`` of a version."""
    path = model_dir() / version / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StaleArtifact(f"cannot read {path}: {exc}") from exc


def sklearn_version() -> str:
    """The installed scikit-learn's version, without importing it (a second of start-up)."""
    from importlib.metadata import version

    return version("scikit-learn")


def load(version: str) -> Any:
    """Load a model artifact; StaleArtifact if unusable (other scikit-learn version or format)."""
    import joblib

    meta = read_json(version, META_FILE)
    if meta.get("sklearn_version") != sklearn_version():
        raise StaleArtifact(
            f"artifact {version} was written by scikit-learn {meta.get('sklearn_version')}, "
            f"running {sklearn_version()}"
        )
    from analysis.model import MODEL_FORMAT

    if meta.get("model_format") != MODEL_FORMAT:
        raise StaleArtifact(f"artifact {version} has model format {meta.get('model_format')}, need {MODEL_FORMAT}")
    try:
        model = joblib.load(model_dir() / version / MODEL_FILE)
        model.classify_many(["医生很好，但是停车太难了"])  # smoke test: fail here, not in a job
    except Exception as exc:  # corrupt or incompatible pickle
        raise StaleArtifact(f"cannot load artifact {version}: {exc}") from exc
    return model
