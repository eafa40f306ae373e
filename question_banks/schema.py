"""Fixed vocabularies and low-level field checks shared by the bank and scale loaders.

Every check raises :class:`BankError` with a message of the form
``<file>: question '<code>' (#<n>): field '<name>' <problem>`` (positions are 1-based).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import yaml

LANGS: tuple[str, ...] = ("zh-CN", "zh-TW", "en")
QUESTION_TYPES: tuple[str, ...] = ("scale", "choice", "text")
DIMENSIONS: tuple[str, ...] = (
    "appointment", "waiting", "environment", "wayfinding", "privacy", "doctor", "nurse",
    "tests", "pharmacy", "billing", "food", "parking", "family", "overall", "recommend",
    "admission", "discharge", "followup",
    # the staff survey's (医务人员满意度): a bank with `respondent: staff` asks these
    "workload", "pay", "development", "management", "workplace", "work_safety",
)
THEMES: tuple[str, ...] = (
    "parking", "waiting", "appointment", "billing", "attitude", "communication", "clinical",
    "nursing", "medication", "tests", "admission", "environment", "food", "facilities",
    "wayfinding", "digital", "privacy", "ethics", "safety", "elderly",
)
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
DEFAULT_MAX_LENGTH = 2000
MAX_LENGTH_LIMIT = 5000


class BankError(Exception):
    """A question bank or the scale file is invalid; the message says where and why."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, Hashable):
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse a UTF-8 YAML file safely, rejecting duplicate keys."""
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_StrictLoader)  # a SafeLoader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BankError(f"{path.name}: cannot read YAML: {exc}") from exc


def fail(where: str, fld: str, problem: str) -> NoReturn:
    """Raise a :class:`BankError` about field ``fld`` at ``where`` (file and question)."""
    raise BankError(f"{where}: field '{fld}' {problem}")


def check_keys(data: Mapping[Any, Any], allowed: Iterable[str], required: Iterable[str],
               where: str, prefix: str = "", known: Iterable[str] = (), context: str = "") -> None:
    """Reject keys not in ``allowed`` and report missing ``required`` ones.

    A key listed in ``known`` (valid elsewhere) is reported as "not allowed <context>";
    any other stray key as unknown, with the closest allowed key as a hint for typos.
    """
    allowed, known = tuple(allowed), tuple(known)
    for key in data:
        if key in known and key not in allowed:
            fail(where, f"{prefix}{key}", f"is not allowed {context}".rstrip())
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            fail(where, f"{prefix}{key}",
                 "is unknown" + (f" (did you mean '{hint[0]}'?)" if hint else ""))
    for key in required:
        if key not in data:
            fail(where, f"{prefix}{key}", "is missing")


def check_texts(value: Any, where: str, fld: str, optional: bool = False) -> dict[str, str]:
    """Check a ``{language: text}`` mapping has every language of :data:`LANGS`, non-empty.

    With ``optional``, a missing/empty mapping gives ``{}``. Texts are returned stripped.
    """
    if optional and value in (None, {}):
        return {}
    if not isinstance(value, Mapping):
        fail(where, fld, f"must map each language ({', '.join(LANGS)}) to a text")
    for lang in value:
        if lang not in LANGS:
            fail(where, fld, f"has unknown language '{lang}' (expected {', '.join(LANGS)})")
    for lang in LANGS:
        if lang not in value:
            fail(where, fld, f"is missing language '{lang}'")
        if not isinstance(value[lang], str) or not value[lang].strip():
            fail(where, fld, f"has an empty or non-text value for language '{lang}'")
    return {lang: value[lang].strip() for lang in LANGS}


def check_choice(value: Any, allowed: tuple[str, ...], where: str, fld: str,
           optional: bool = False) -> Any:
    """Check ``value`` is one of ``allowed`` (or None when ``optional``)."""
    if value is None:
        if optional:
            return None
        fail(where, fld, "is missing")
    if not isinstance(value, str) or value not in allowed:
        fail(where, fld, f"must be one of: {', '.join(allowed)} (got {value!r})")
    return value


def check_flag(data: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    """Read an optional true/false field."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        fail(where, key, f"must be true or false (got {value!r})")
    return value


def check_code(value: Any, where: str, fld: str) -> str:
    """Check an identifier (bank, question or option code) against :data:`CODE_RE`."""
    if value is None:
        fail(where, fld, "is missing")
    if not isinstance(value, str) or not CODE_RE.fullmatch(value):
        fail(where, fld, f"must match {CODE_RE.pattern} (got {value!r})")
    return value
