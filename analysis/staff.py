"""Themes of staff comments (医务人员满意度调查), from their own small taxonomy (staff_taxonomy.yaml).

A transparent word match, not the patient model: a few hundred staff comments a year give no training
set, and the office must be able to see why a comment got its theme. Traditional Chinese is converted
first (`normalize`), so one word list serves both scripts. Plain Python, no app, no database.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .normalize import normalize

STAFF_TAXONOMY_PATH = Path(__file__).with_name("staff_taxonomy.yaml")
LANGS = ("zh-CN", "zh-TW", "en")


class StaffTaxonomyError(ValueError):
    """The staff taxonomy file is malformed."""


@dataclass(frozen=True)
class StaffTheme:
    code: str
    names: dict[str, str]
    definition: str
    office: str
    words: tuple[str, ...]

    def name(self, lang: str = "zh-CN") -> str:
        return self.names.get(lang) or self.names["zh-CN"]


@functools.cache
def load(path: Path = STAFF_TAXONOMY_PATH) -> tuple[StaffTheme, ...]:
    """The staff themes in file order; raises StaffTaxonomyError naming the theme and field at fault."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list) or not data["themes"]:
        raise StaffTaxonomyError(f"{path.name}: needs a non-empty 'themes' list")
    themes, seen = [], set()
    for entry in data["themes"]:
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code or code in seen:
            raise StaffTaxonomyError(f"{path.name}: theme code {code!r} missing or repeated")
        seen.add(code)
        names = entry.get("name") or {}
        words = entry.get("words") or []
        for key, ok in (("name", all(isinstance(names.get(lang), str) and names[lang] for lang in LANGS)),
                        ("words", bool(words) and all(isinstance(w, str) and w.strip() for w in words)),
                        ("definition", isinstance(entry.get("definition"), str)),
                        ("office", isinstance(entry.get("office"), str))):
            if not ok:
                raise StaffTaxonomyError(f"{path.name}: theme {code!r}: field {key!r} missing or invalid")
        themes.append(StaffTheme(code, dict(names), entry["definition"], entry["office"],
                                 tuple(normalize(str(w)).lower() for w in words)))
    return tuple(themes)


@functools.cache
def version() -> str:
    """A short hash of the taxonomy file: stored with each classification, so a re-run can find old ones."""
    return "staff-words-" + hashlib.sha256(STAFF_TAXONOMY_PATH.read_bytes()).hexdigest()[:10]


def classify(text: str) -> list[str]:
    """The codes of the staff themes TEXT speaks of (possibly none), in taxonomy order."""
    plain = normalize(text or "").lower()
    return [theme.code for theme in load() if any(word in plain for word in theme.words)]


def theme(code: str) -> StaffTheme | None:
    return next((t for t in load() if t.code == code), None)
