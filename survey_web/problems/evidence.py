"""What supports a problem-list item besides the survey: complaints, hotline work orders, findings.

Other domains (complaints, hotline) cannot import this package (sibling domain packages are
independent): they return plain dicts with these keys, and the job (`jobs/problems.py`) turns them
into `Evidence` with `from_dict` before the month's generation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from analysis.deidentify import excerpt
from analysis.problem_clusters import EvidenceKind, Voice


@dataclass(frozen=True)
class Evidence:
    """One voice from another source, with its theme (None: it names no theme we know)."""

    kind: str
    ref_id: int
    theme: str | None
    department_id: int | None
    text: str
    at: datetime
    serious: bool = False

    def __post_init__(self):
        if self.kind not in set(EvidenceKind):
            raise ValueError(f"unknown evidence kind: {self.kind!r}")

    @classmethod
    def from_dict(cls, row: Mapping) -> Evidence:
        """An Evidence from another package's plain dict (same keys); unknown keys are ignored."""
        return cls(kind=row["kind"], ref_id=int(row["ref_id"]), theme=row.get("theme"),
                   department_id=row.get("department_id"), text=row["text"], at=row["at"],
                   serious=bool(row.get("serious", False)))


def voices(evidence: Iterable[Evidence], month_start: datetime, month_end: datetime) -> list[Voice]:
    """The month's evidence with a theme as clustering input (de-identified on the way in)."""
    return [Voice(e.kind, e.ref_id, e.theme, excerpt(e.text, 200), e.department_id, None, e.serious)
            for e in evidence if e.theme and month_start <= e.at < month_end]
