"""Comment theme classifier for patient-experience feedback.

Importing this package is cheap: the model and jieba are loaded lazily on the
first ``classify`` call or an explicit ``load_model()``.

    >>> from analysis import classify
    >>> classify("医生很专业，但是停车太难了").themes
    {'parking': 'neg', 'clinical': 'pos'}
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from analysis.result import Classification

if TYPE_CHECKING:
    from analysis.model import Model

__all__ = ["Classification", "Model", "classify", "load_model"]

_model: Model | None = None
_lock = threading.Lock()


def load_model(reload: bool = False) -> Model:
    """Load (or train on first use) the active model once per process and return it.

    Also initialises the jieba tokenizer, so calling this before forking worker
    processes lets them share the loaded state.
    """
    global _model
    with _lock:
        if _model is None or reload:
            from analysis.pipeline import ensure_model
            from analysis.segment import get_tokenizer

            get_tokenizer()
            _model = ensure_model()
    return _model


def classify(text: str) -> Classification:
    """Classify one comment with the process-wide model."""
    model = _model if _model is not None else load_model()
    return model.classify(text)


def __getattr__(name: str) -> Any:
    if name == "Model":
        from analysis.model import Model

        return Model
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
