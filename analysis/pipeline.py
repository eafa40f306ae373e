"""Training/evaluation orchestration: build, compare with the active model,
save, activate; and load-or-train for first use."""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import artifacts
from analysis.corpus import (
    Example,
    data_hash,
    load_corpus,
    real_files,
    real_test_set,
    split,
    training_files,
    validation,
)

log = logging.getLogger(__name__)
GUARDED_METRICS = ("micro_f1", "macro_f1", "urgent_recall")  # on written held-out text, when no real test exists
REAL_GUARD_METRIC = "micro_f1"
REAL_GUARD_TOLERANCE = 0.01  # a new model may lose at most this much real-held-out micro-F1


@dataclass
class TrainOutcome:
    """Result of ``train_and_activate``."""

    version: str
    activated: bool
    message: str
    metrics: dict[str, Any]
    previous: dict[str, Any] | None = None
    worse: list[str] = field(default_factory=list)


def evaluate_model(model: Any, examples: list[Example]) -> dict[str, Any]:
    """Metrics of ``model`` on labelled ``examples``."""
    from analysis.metrics import compute_metrics

    results = model.classify_many([ex.text for ex in examples])
    return compute_metrics(
        examples,
        [r.themes for r in results],
        [r.urgent for r in results],
        [r.urgent_reason for r in results],
        model.codes,
    )


def guard_set(held: list[Example]) -> tuple[str, list[Example]]:
    """The set that decides whether a new model may replace the active one: the real held-out test
    split when it exists, else the written held-out split."""
    real = real_test_set()
    return ("real-held-out", real) if real else ("ours-held-out", held)


def worse_metrics(metrics: dict[str, Any], previous: dict[str, Any], guard: str) -> list[str]:
    """Guarded metrics on which ``metrics`` fall below ``previous`` by more than allowed."""
    if guard == "real-held-out":
        limit = previous.get(REAL_GUARD_METRIC, 0.0) - REAL_GUARD_TOLERANCE
        return [REAL_GUARD_METRIC] if metrics[REAL_GUARD_METRIC] < limit - 1e-9 else []
    return [k for k in GUARDED_METRICS if metrics[k] < previous.get(k, 0.0) - 1e-9]


def build(labels: Path | None = None) -> tuple[Any, dict[str, Any], dict[str, Any], list[Example]]:
    """Train on the training portion (tuning on the real validation split); returns (model, meta,
    metrics, guard examples). ``metrics`` are the guard set's figures plus the whole scorecard."""
    from analysis.model import MODEL_FORMAT
    from analysis.scorecard import evaluation_sets, scorecard
    from analysis.taxonomy import CODES, THEMES
    from analysis.train import train_model

    examples = load_corpus(labels)
    train, held = split(examples)
    val = validation(examples)
    if not train:
        raise RuntimeError("no training data found in the corpus directory")
    version = artifacts.new_version(data_hash(train + val))
    model, info = train_model(train, CODES, {c: t.words for c, t in THEMES.items()}, version=version,
                              validation=val)
    guard, guard_examples = guard_set(held)
    metrics = evaluate_model(model, guard_examples)
    metrics["guard_set"] = guard
    metrics["scorecard"] = scorecard(model, evaluation_sets(labels))
    meta = {
        "version": version,
        "sklearn_version": artifacts.sklearn_version(),
        "model_format": MODEL_FORMAT,
        "python_version": platform.python_version(),
        "data_hash": version.rsplit("-", 1)[1],
        "n_train": len(train),
        "n_validation": len(val),
        "n_held_out": len(held),
        "n_real_held_out": len(real_test_set()),
        "corpus_files": [p.name for p in training_files()] + [f"real/{p.name}" for p in real_files()],
        "labels_file": str(labels) if labels else None,
        "training": info,
    }
    return model, meta, metrics, guard_examples


def _active_metrics(held: list[Example]) -> tuple[str | None, dict[str, Any] | None]:
    """Metrics of the active model re-evaluated on the same held-out set (None if unusable)."""
    current = artifacts.active_version()
    if current is None:
        return None, None
    try:
        return current, evaluate_model(artifacts.load(current), held)
    except artifacts.StaleArtifact as exc:  # an unusable model is no bar to a usable one
        log.warning("active model not loadable (%s); not comparing", exc)
        return current, None


def train_and_activate(labels: Path | None = None, force: bool = False) -> TrainOutcome:
    """Train, save a versioned artifact, and activate it unless it is worse than the active one."""
    model, meta, metrics, held = build(labels)
    with artifacts.locked():
        current, previous = _active_metrics(held)
        worse = worse_metrics(metrics, previous, metrics["guard_set"]) if previous else []
        artifacts.save(model, meta, metrics)
        version = meta["version"]
        if worse and not force:
            details = ", ".join(f"{k} {metrics[k]:.4f} < {previous[k]:.4f}" for k in worse)  # type: ignore[index]
            msg = (f"refused: new model {version} is worse than active {current} on {metrics['guard_set']} "
                   f"({details}); use --force")
            return TrainOutcome(version, False, msg, metrics, previous, worse)
        artifacts.set_active(version)
    return TrainOutcome(version, True, f"activated {version}", metrics, previous, worse)


def _auto_train() -> Any:
    model, meta, metrics, _ = build()
    artifacts.save(model, meta, metrics)
    artifacts.set_active(meta["version"])
    log.warning("trained and activated model %s", meta["version"])
    return model


def ensure_model() -> Any:
    """Load the active model; train one (and activate it) if none is usable."""
    version = artifacts.active_version()
    if version is not None:
        try:
            return artifacts.load(version)
        except artifacts.StaleArtifact as exc:
            log.warning("%s; retraining", exc)
    with artifacts.locked():
        version = artifacts.active_version()  # another process may have trained meanwhile
        if version is not None:
            try:
                return artifacts.load(version)
            except artifacts.StaleArtifact:
                pass
        return _auto_train()
