"""Suggested measures (建议整改措施) for a specific problem, from the catalogue in ``measures.yaml``.

The catalogue is data with its source (document, issuing body, date, section); a suggestion is a
starting point the office edits, never a decision, so it is returned with the 【建议】 mark that
``analysis.ledger`` refuses to accept as a measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from analysis.ledger import SUGGESTION_MARK

CATALOGUE = Path(__file__).with_name("measures.yaml")


@dataclass(frozen=True)
class Measure:
    """One catalogue entry and where it comes from."""

    id: str
    themes: tuple[str, ...]
    words: tuple[str, ...]
    text: str
    document: str
    issuer: str
    date: str
    section: str
    checked: bool

    def citation(self) -> str:
        """《document》（issuer，date）section."""
        return f"《{self.document}》（{self.issuer}，{self.date}）{self.section}"


@cache
def catalogue(path: Path = CATALOGUE) -> tuple[Measure, ...]:
    """Every measure of the catalogue; a measure whose source is unknown is an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = data["sources"]
    return tuple(Measure(m["id"], tuple(m["themes"]), tuple(m["words"]), m["text"], sources[m["source"]]["title"],
                         sources[m["source"]]["issuer"], str(sources[m["source"]]["date"]), m["section"],
                         bool(m["checked"])) for m in data["measures"])


def suggest(theme: str | None, words: str, limit: int = 2) -> list[Measure]:
    """The catalogue's measures for THEME, those naming more of WORDS (the problem's title and
    signature) first; measures of other themes come in only when their words match."""
    def hits(measure: Measure) -> int:
        return sum(1 for w in measure.words if w.lower() in words.lower())

    scored = [(hits(m) + (2 if theme in m.themes else 0), i, m) for i, m in enumerate(catalogue())
              if theme in m.themes or hits(m) >= 2]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [m for score, _i, m in scored[:limit] if score > 0]


def draft_measure(theme: str | None, words: str) -> str | None:
    """The 整改措施 draft offered on an item: 【建议】 marked, with the source of each suggestion."""
    found = suggest(theme, words)
    if not found:
        return None
    lines = [f"{i}. {m.text}（依据：{m.citation()}）" for i, m in enumerate(found, start=1)]
    return SUGGESTION_MARK + "请结合本院实际修改后再立账：\n" + "\n".join(lines)
