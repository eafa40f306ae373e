"""The column mapping of each hotline platform's export (`formats/*.yaml`), checked when it is loaded."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

FORMATS_DIR = Path(__file__).with_name("formats")
FIELDS = ("order_no", "called_at", "text", "due_at", "caller", "phone", "department", "order_type")
ALWAYS_REQUIRED = {"order_no", "called_at", "text", "due_at"}
REPLY_FIELDS = ("outcome", "reply", "replied_at", "handler")
CHANNELS = ("12345", "12320")


class FormatError(ValueError):
    """A format file that cannot be used (names the file and the problem)."""


@dataclass(frozen=True)
class HotlineFormat:
    name: str
    label: str
    channel: str
    columns: dict[str, tuple[str, ...]]  # field -> headings it may have, the first written on export
    required: frozenset[str]
    reply: dict[str, str]  # reply field -> heading

    def heading(self, field: str) -> str:
        """The heading FIELD is written under."""
        return self.columns[field][0]

    def locate(self, headings: list[str]) -> dict[str, int]:
        """Field -> column index in a file whose header row is HEADINGS (fields without a column left out)."""
        where = {h.strip(): i for i, h in enumerate(headings) if h and h.strip()}
        found = {}
        for field, names in self.columns.items():
            index = next((where[n] for n in names if n in where), None)
            if index is not None:
                found[field] = index
        return found


def _parse(path: Path) -> HotlineFormat:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FormatError(f"{path.name}: not YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise FormatError(f"{path.name}: expected a mapping")
    columns = data.get("columns") or {}
    unknown = set(columns) - set(FIELDS)
    if unknown:
        raise FormatError(f"{path.name}: unknown fields {sorted(unknown)}")
    missing = ALWAYS_REQUIRED - set(columns)
    if missing:
        raise FormatError(f"{path.name}: no column for {sorted(missing)}")
    if str(data.get("channel")) not in CHANNELS:
        raise FormatError(f"{path.name}: channel must be one of {CHANNELS}")
    reply = {str(k): str(v) for k, v in (data.get("reply") or {}).items()}
    if set(reply) - set(REPLY_FIELDS) or "reply" not in reply:
        raise FormatError(f"{path.name}: reply needs 'reply' and only {REPLY_FIELDS}")
    required = frozenset(data.get("required") or ()) | ALWAYS_REQUIRED
    if required - set(columns):
        raise FormatError(f"{path.name}: required fields without a column")
    headings = {field: tuple(str(h) for h in (names if isinstance(names, list) else [names]))
                for field, names in columns.items()}
    return HotlineFormat(name=str(data.get("name") or path.stem), label=str(data.get("label") or path.stem),
                         channel=str(data["channel"]), columns=headings, required=required, reply=reply)


@functools.cache
def all_formats() -> dict[str, HotlineFormat]:
    """Every format in `formats/`, by name."""
    found = {}
    for path in sorted(FORMATS_DIR.glob("*.yaml")):
        fmt = _parse(path)
        if fmt.name in found:
            raise FormatError(f"{path.name}: a second format named {fmt.name!r}")
        found[fmt.name] = fmt
    return found


def get(name: str) -> HotlineFormat:
    """The format NAME (FormatError listing the known ones otherwise)."""
    formats = all_formats()
    if name not in formats:
        raise FormatError(f"no hotline format {name!r}; known: {', '.join(formats)}")
    return formats[name]


def guess(headings: list[str]) -> HotlineFormat | None:
    """The format whose required headings all appear in HEADINGS; of several, the one whose own (first)
    headings match most columns. None when none fits."""
    present = {h.strip() for h in headings if h}
    fitting = [(sum(fmt.heading(f) in present for f in fmt.columns), len(fmt.locate(headings)), fmt)
               for fmt in all_formats().values() if fmt.required <= set(fmt.locate(headings))]
    return max(fitting, key=lambda t: t[:2])[2] if fitting else None
