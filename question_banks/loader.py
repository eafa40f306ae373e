"""Load and validate the patient-experience question banks (YAML files).

Plain Python: no Flask, no database. Every ``*.yaml`` file of this package whose
name does not start with ``_`` is one bank (``_scales.yaml`` is the shared answer
scale, see :mod:`question_banks.scales`). Any problem raises :class:`BankError`
naming the file, the question (code and 1-based position) and the field.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import (
    DEFAULT_MAX_LENGTH,
    DIMENSIONS,
    LANGS,
    MAX_LENGTH_LIMIT,
    QUESTION_TYPES,
    THEMES,
    BankError,
    check_choice,
    check_code,
    check_flag,
    check_keys,
    check_texts,
    fail,
    read_yaml,
)

BANKS_DIR = Path(__file__).resolve().parent

_COMMON_KEYS = ("code", "type", "text", "plain", "required")
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "scale": _COMMON_KEYS + ("dimension", "theme", "na"),
    "choice": _COMMON_KEYS + ("dimension", "theme", "options"),
    "text": _COMMON_KEYS + ("max_length",),
}
_TYPE_REQUIRED = {"scale": ("text", "dimension"), "choice": ("text", "options"), "text": ("text",)}
_ALL_QUESTION_KEYS = tuple(dict.fromkeys(k for keys in _TYPE_KEYS.values() for k in keys))
_BANK_KEYS = ("code", "title", "intro", "thanks", "questions")
# A bank may say who answers it (a family-area point knows its respondents are family): then the
# survey does not ask "您是" again. A `staff` bank is the staff satisfaction survey: never offered at a
# patients' survey point (survey_web.banks keeps it apart).
RESPONDENTS = ("patient", "family", "staff")
# The answer scale measures satisfaction, so every wording of a scale question must ask about it: a
# yes/no question ("护士来得快吗？") offered 很满意…很不满意 does not fit its answers.
SATISFACTION_WORDS = {"zh-CN": ("满意",), "zh-TW": ("滿意",), "en": ("satisf", "happy")}


@dataclass(frozen=True)
class Option:
    """One answer of a ``choice`` question: the stored ``value`` and its shown ``label``."""

    value: str
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    """One survey item; ``plain`` is optional simpler wording for elderly respondents."""

    code: str
    type: str
    text: dict[str, str]
    dimension: str | None = None
    plain: dict[str, str] = field(default_factory=dict)
    required: bool = False
    na: bool = False
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    theme: str | None = None

    def wording(self, lang: str, plain: bool = False) -> str:
        """Text in ``lang`` (zh-CN if unknown); the plain wording if asked for and present."""
        lang = lang if lang in LANGS else LANGS[0]
        return (self.plain if plain and self.plain else self.text)[lang]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict with exactly the fields that apply to this question type."""
        data: dict[str, Any] = {"code": self.code, "type": self.type, "text": dict(self.text),
                                "plain": dict(self.plain), "required": self.required}
        if self.type != "text":
            data.update(dimension=self.dimension, theme=self.theme)
        if self.type == "scale":
            data["na"] = self.na
        elif self.type == "choice":
            data["options"] = [{"value": o.value, "label": dict(o.label)} for o in self.options]
        else:
            data["max_length"] = self.max_length
        return data


@dataclass(frozen=True)
class Bank:
    """A questionnaire: title, intro and thanks texts plus its ordered questions."""

    code: str
    title: dict[str, str]
    intro: dict[str, str]
    thanks: dict[str, str]
    questions: tuple[Question, ...]
    respondent: str | None = None

    def question(self, code: str) -> Question:
        """Return the question with this code; raise ``KeyError`` if there is none."""
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(f"bank '{self.code}' has no question '{code}'")

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        """The 5-point scale questions, in survey order."""
        return tuple(q for q in self.questions if q.type == "scale")

    @property
    def comment_question(self) -> Question:
        """The single free-text question (validation keeps it last)."""
        return next(q for q in self.questions if q.type == "text")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able snapshot of the whole bank; equal content gives an equal dict."""
        data = {"code": self.code, "title": dict(self.title), "intro": dict(self.intro),
                "thanks": dict(self.thanks), "questions": [q.to_dict() for q in self.questions]}
        if self.respondent:  # absent when unset, so banks without it keep their content hash
            data["respondent"] = self.respondent
        return data

    def content_hash(self) -> str:
        """First 16 hex chars of the sha256 of the canonical JSON of :meth:`to_dict`."""
        canonical = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "snapshot") -> Bank:
        """Rebuild and re-validate a bank from a :meth:`to_dict` snapshot."""
        return _parse_bank(data, source)


def _parse_options(raw: Any, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        fail(where, "options", "must be a list of at least 2 options")
    options: list[Option] = []
    for i, item in enumerate(raw, 1):
        fld = f"options[{i}]"
        if not isinstance(item, Mapping):
            fail(where, fld, "must be a mapping with 'value' and 'label'")
        check_keys(item, ("value", "label"), ("value", "label"), where, prefix=f"{fld}.")
        value = check_code(item["value"], where, f"{fld}.value")
        label = check_texts(item["label"], where, f"{fld}.label")
        for other in options:
            if other.value == value:
                fail(where, f"{fld}.value", f"duplicates option '{value}'")
            for lang in LANGS:
                if other.label[lang] == label[lang]:
                    fail(where, f"{fld}.label",
                         f"repeats the '{lang}' label of option '{other.value}'")
        options.append(Option(value, label))
    return tuple(options)


def _parse_question(data: Any, index: int, source: str) -> Question:
    where = f"{source}: question #{index}"
    if not isinstance(data, Mapping):
        raise BankError(f"{where}: must be a mapping of fields (got {type(data).__name__})")
    code = check_code(data.get("code"), where, "code")
    where = f"{source}: question '{code}' (#{index})"
    qtype = check_choice(data.get("type"), QUESTION_TYPES, where, "type")
    check_keys(data, _TYPE_KEYS[qtype], _TYPE_REQUIRED[qtype], where,
               known=_ALL_QUESTION_KEYS, context=f"for '{qtype}' questions")
    text = check_texts(data["text"], where, "text")
    plain = check_texts(data.get("plain"), where, "plain", optional=True)
    extra: dict[str, Any] = {}
    if qtype != "text":
        extra["dimension"] = check_choice(data.get("dimension"), DIMENSIONS, where,
                                          "dimension", optional=qtype == "choice")
        extra["theme"] = check_choice(data.get("theme"), THEMES, where, "theme", optional=True)
    if qtype == "scale":
        extra["na"] = check_flag(data, "na", False, where)
    elif qtype == "choice":
        extra["options"] = _parse_options(data["options"], where)
    else:
        max_length = data.get("max_length", DEFAULT_MAX_LENGTH)
        if isinstance(max_length, bool) or not isinstance(max_length, int) \
                or not 1 <= max_length <= MAX_LENGTH_LIMIT:
            fail(where, "max_length",
                 f"must be a whole number from 1 to {MAX_LENGTH_LIMIT} (got {max_length!r})")
        extra["max_length"] = max_length
    return Question(code=code, type=qtype, text=text, plain=plain,
                    required=check_flag(data, "required", False, where), **extra)


def _parse_bank(data: Any, source: str) -> Bank:
    if not isinstance(data, Mapping):
        raise BankError(f"{source}: must be a mapping with {', '.join(_BANK_KEYS)}")
    check_keys(data, (*_BANK_KEYS, "respondent"), _BANK_KEYS, source)
    code = check_code(data["code"], source, "code")
    respondent = check_choice(data.get("respondent"), RESPONDENTS, source, "respondent", optional=True)
    labels = {key: check_texts(data[key], source, key) for key in ("title", "intro", "thanks")}
    raw = data["questions"]
    if not isinstance(raw, list) or not raw:
        fail(source, "questions", "must be a non-empty list")
    questions = tuple(_parse_question(item, i, source) for i, item in enumerate(raw, 1))
    seen: dict[str, int] = {}
    for i, question in enumerate(questions, 1):
        if question.code in seen:
            fail(f"{source}: question '{question.code}' (#{i})", "code",
                 f"duplicates question #{seen[question.code]}")
        seen[question.code] = i
    free_text = [(i, q.code) for i, q in enumerate(questions, 1) if q.type == "text"]
    if len(free_text) != 1:
        found = ", ".join(f"'{c}' (#{i})" for i, c in free_text) or "none"
        fail(source, "questions", f"must contain exactly one 'text' question, found {found}")
    index, comment = free_text[0]
    if index != len(questions):
        fail(f"{source}: question '{comment}' (#{index})", "type",
             "is 'text': the free-text comment must be the last question")
    return Bank(code=code, questions=questions, respondent=respondent, **labels)


def _check_scale_wording(bank: Bank, source: str) -> None:
    """Every wording of a scale question asks about satisfaction, in every language.

    Checked on bank files only: snapshots of old versions stay readable as they were answered.
    """
    for i, question in enumerate(bank.questions, 1):
        if question.type != "scale":
            continue
        for key, texts in (("text", question.text), ("plain", question.plain)):
            for lang, words in SATISFACTION_WORDS.items():
                if texts and not any(word in texts[lang].lower() for word in words):
                    fail(f"{source}: question '{question.code}' (#{i})", f"{key}.{lang}",
                         f"asks no satisfaction question ('{words[0]}'), but is answered on the satisfaction "
                         "scale: reword it to fit the answers")


def load_bank(path: str | os.PathLike[str]) -> Bank:
    """Load and validate one bank file; its ``code`` must equal the file name without ``.yaml``."""
    path = Path(path)
    bank = _parse_bank(read_yaml(path), path.name)
    _check_scale_wording(bank, path.name)
    if bank.code != path.stem:
        fail(path.name, "code", f"must match the file name '{path.stem}' (got '{bank.code}')")
    return bank


def load_banks(directory: str | os.PathLike[str] | None = None) -> dict[str, Bank]:
    """Load all ``*.yaml`` banks of ``directory`` (default: this package) but ``_*`` files."""
    folder = Path(directory) if directory is not None else BANKS_DIR
    if not folder.is_dir():
        raise BankError(f"{folder}: not a directory")
    banks: dict[str, Bank] = {}
    for path in sorted(folder.glob("*.yaml")):
        if not path.name.startswith("_"):
            bank = load_bank(path)
            banks[bank.code] = bank
    return banks
