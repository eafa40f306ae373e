"""The shared 5-point satisfaction scale (``_scales.yaml``), with 不适用 as an extra answer."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .schema import BankError, check_keys, check_texts, fail, read_yaml

SCALE_FILE = Path(__file__).resolve().parent / "_scales.yaml"
_VALUES = [5, 4, 3, 2, 1, "na"]
_LEVEL_KEYS = ("value", "face", "label", "short")


@dataclass(frozen=True)
class ScaleLevel:
    """One scale answer: ``value`` 5..1 (None = 不适用), a full ``label``,
    and a ``face`` + ``short`` word for large, elderly-friendly buttons."""

    value: int | None
    face: str
    label: dict[str, str]
    short: dict[str, str]


def load_scale(path: str | os.PathLike[str] | None = None) -> dict[str, ScaleLevel]:
    """Load and validate the scale file; levels keyed '5', '4', '3', '2', '1', 'na' in order."""
    path = Path(path) if path is not None else SCALE_FILE
    data = read_yaml(path)
    if not isinstance(data, Mapping):
        raise BankError(f"{path.name}: must be a mapping with 'levels'")
    check_keys(data, ("levels",), ("levels",), path.name)
    raw = data["levels"]
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw) \
            or [item.get("value") for item in raw] != _VALUES \
            or any(isinstance(item.get("value"), bool) for item in raw):
        fail(path.name, "levels", "must list the values 5, 4, 3, 2, 1, na in this order")
    levels: dict[str, ScaleLevel] = {}
    for i, item in enumerate(raw, 1):
        where = f"{path.name}: level '{item['value']}' (#{i})"
        check_keys(item, _LEVEL_KEYS, _LEVEL_KEYS, where)
        if not isinstance(item["face"], str) or not item["face"].strip():
            fail(where, "face", "must be a non-empty text")
        levels[str(item["value"])] = ScaleLevel(
            value=None if item["value"] == "na" else item["value"],
            face=item["face"].strip(),
            label=check_texts(item["label"], where, "label"),
            short=check_texts(item["short"], where, "short"),
        )
    return levels


SCALE_LABELS: Mapping[str, ScaleLevel] = MappingProxyType(load_scale())
"""The shipped scale, keyed '5', '4', '3', '2', '1', 'na' in display order (read-only)."""


def scale_levels(na: bool = False) -> tuple[ScaleLevel, ...]:
    """Answers to show for a scale question, 5 (非常满意) first; 不适用 last when ``na``."""
    return tuple(level for key, level in SCALE_LABELS.items() if na or key != "na")
