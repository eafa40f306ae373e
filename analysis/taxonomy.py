"""Theme taxonomy loaded from ``taxonomy.yaml`` and validated on load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
LANGS = ("zh-CN", "zh-TW", "en")
EXPECTED_CODES = (
    "parking", "waiting", "appointment", "billing", "attitude", "communication",
    "clinical", "nursing", "medication", "tests", "admission", "environment",
    "food", "facilities", "wayfinding", "digital", "privacy", "ethics", "safety",
    "elderly",
)


class TaxonomyError(ValueError):
    """Raised when the taxonomy file is malformed."""


@dataclass(frozen=True)
class Theme:
    """One comment theme with its display names and routing office."""

    code: str
    names: dict[str, str]
    definition: str
    words: tuple[str, ...]
    office: str

    def name(self, lang: str = "zh-CN") -> str:
        """Return the display name in ``lang`` (falls back to zh-CN)."""
        return self.names.get(lang) or self.names["zh-CN"]


def _require_str(entry: dict[str, Any], key: str, code: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"theme {code!r}: missing or empty {key!r}")
    return value.strip()


def _parse_theme(entry: Any) -> Theme:
    if not isinstance(entry, dict):
        raise TaxonomyError(f"theme entry must be a mapping, got {type(entry).__name__}")
    code = _require_str(entry, "code", "?")
    names = entry.get("name")
    if not isinstance(names, dict):
        raise TaxonomyError(f"theme {code!r}: 'name' must be a mapping of languages")
    for lang in LANGS:
        if not isinstance(names.get(lang), str) or not names[lang].strip():
            raise TaxonomyError(f"theme {code!r}: missing name for {lang}")
    words = entry.get("words")
    if not isinstance(words, list) or not words or not all(
        isinstance(w, str) and w.strip() for w in words
    ):
        raise TaxonomyError(f"theme {code!r}: 'words' must be a non-empty list of strings")
    return Theme(
        code=code,
        names={lang: str(names[lang]).strip() for lang in LANGS},
        definition=_require_str(entry, "definition", code),
        words=tuple(str(w).strip().lower() for w in words),
        office=_require_str(entry, "office", code),
    )


def load_taxonomy(path: Path = TAXONOMY_PATH) -> dict[str, Theme]:
    """Load and validate the taxonomy; return themes keyed by code, in file order."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise TaxonomyError("taxonomy must be a mapping with a 'themes' list")
    themes: dict[str, Theme] = {}
    for entry in data["themes"]:
        theme = _parse_theme(entry)
        if theme.code in themes:
            raise TaxonomyError(f"duplicate theme code {theme.code!r}")
        themes[theme.code] = theme
    missing = set(EXPECTED_CODES) - set(themes)
    extra = set(themes) - set(EXPECTED_CODES)
    if missing or extra:
        raise TaxonomyError(f"theme codes mismatch: missing={sorted(missing)} extra={sorted(extra)}")
    return themes


THEMES: dict[str, Theme] = load_taxonomy()
CODES: tuple[str, ...] = tuple(THEMES)
