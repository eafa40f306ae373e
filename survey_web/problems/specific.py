"""Specific problems as draft items: one per group of the month, under its theme's heading.

A list takes the groups of `clusters.month_problems`: the hospital list every group with at least
MIN_SUPPORT voices, a department's list the groups with at least MIN_DEPARTMENT_SUPPORT voices in
that department (counted, placed and quoted within it). The item stores the group's stable id
(`cluster_id`, and in its key), so next month's group of the same problem finds it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import delete

from analysis.deidentify import excerpt
from analysis.measures import draft_measure
from analysis.problem_clusters import MIN_DEPARTMENT_SUPPORT, MIN_SUPPORT, Group, Trend, Voice
from analysis.problem_list import Draft
from analysis.taxonomy import THEMES

from ..extensions import db
from ..models.problems import ProblemItem, ProblemItemSource

TREND_ZH = {Trend.NEW: "新出现", Trend.RISING: "较上月上升", Trend.FALLING: "较上月下降", Trend.STEADY: "与上月持平",
            Trend.RECURRING: "销号后再次出现"}
KIND_ZH = {"survey": "问卷", "complaint": "投诉", "hotline": "热线工单", "finding": "走访发现"}


@dataclass
class Specific:
    """A group as one list sees it: the voices within the list's scope."""

    group: Group
    voices: list[Voice]

    @property
    def key(self) -> str:
        prefix = "evidence" if self.group.serious else "cluster"
        return f"{prefix}:{self.group.theme}:{self.group.cluster_id}"

    @cached_property
    def scoped(self) -> Group:
        return Group(self.group.theme, self.group.cluster_id, self.group.title, self.voices, self.group.signature,
                     self.group.trend, self.group.prev_count, self.group.serious, self.group.typical)

    # Each is read by the draft, the evidence and the text: counted once (a group may hold 100,000 voices).
    @cached_property
    def count(self) -> int:
        return self.scoped.count

    @cached_property
    def places(self) -> list[tuple[int, int]]:
        return self.scoped.departments()

    @cached_property
    def points(self) -> list[tuple[str, int]]:
        return self.scoped.points()

    @cached_property
    def kinds(self) -> dict[str, int]:
        return self.scoped.kinds()


def for_list(groups: list[Group], department_id: int | None) -> list[Specific]:
    """The groups that become draft items of the hospital list (None) or of one department's list."""
    found = []
    for group in groups:
        mine = group.voices if department_id is None else [v for v in group.voices if v.department == department_id]
        need = 1 if group.serious else (MIN_SUPPORT if department_id is None else MIN_DEPARTMENT_SUPPORT)
        if len(mine) >= need:
            found.append(Specific(group, mine))
    return found


def as_draft(specific: Specific, responses: int, department_id: int | None) -> Draft:
    """The Draft of a specific problem; scored below every ranked item (it sits under its theme)."""
    scoped = specific.scoped
    places = tuple(specific.places)
    owner = department_id
    if owner is None and places and places[0][1] * 3 >= specific.count * 2:
        owner = places[0][0]
    return Draft(key=specific.key, source="evidence" if scoped.serious else "cluster", theme=scoped.theme,
                 question=None, department=owner, count=specific.count, responses=responses, score=-1.0,
                 prev_count=scoped.prev_count, departments=places)


def evidence(specific: Specific, month: str) -> dict:
    """The JSON evidence of a specific problem's item."""
    scoped = specific.scoped
    return {"month": month, "title": scoped.title, "trend": str(scoped.trend), "prev_count": scoped.prev_count,
            "departments": [list(p) for p in specific.places], "points": [list(p) for p in specific.points[:5]],
            "kinds": dict(specific.kinds),
            "quotes": [{"id": v.ref_id, "kind": v.kind, "text": excerpt(v.text)} for v in scoped.quotes()]}


def problem_text(specific: Specific, scope: str, names: dict[int, str]) -> str:
    """The drafted 整改事项: the problem in its own words, where, how often and its trend."""
    scoped = specific.scoped
    text = f"「{scoped.title}」：{scope}本月 {specific.count} 条（{TREND_ZH.get(scoped.trend, scoped.trend)}"
    if scoped.prev_count:
        text += f"，上月 {scoped.prev_count} 条"
    text += "）"
    kinds = specific.kinds
    if set(kinds) - {"survey"}:
        text += "，来源：" + "、".join(f"{KIND_ZH.get(k, k)} {n} 条" for k, n in kinds.items())
    places = specific.places
    if places:
        text += "；科室：" + "、".join(f"{names.get(d, '?')} {n} 条" for d, n in places[:3])
    points = specific.points
    if points:
        text += "；地点：" + "、".join(f"{p} {n} 条" for p, n in points[:3])
    return text + "。"


def suggested_measure(specific: Specific) -> str | None:
    """The catalogue's 【建议】 measures for the problem (its title and strongest words)."""
    group = specific.group
    return draft_measure(group.theme, group.title + " " + " ".join(group.signature))


def default_owner(specific: Specific) -> str | None:
    theme = THEMES.get(specific.group.theme)
    return theme.office if theme else None


def link_sources(links: list[tuple[ProblemItem, list[Voice]]]) -> int:
    """Replace the supporting voices of each (item, voices) in LINKS (the items must have ids); returns rows.

    A month's lists link a million comments: one DELETE per 500 items, then the rows in (item, kind,
    ref) order, the order of the unique index they land in, through PostgreSQL's COPY or SQLite's
    executemany (not the ORM's bulk path, which builds a state per row).
    """
    table = ProblemItemSource.__table__
    ids = [item.id for item, _ in links]
    for at in range(0, len(ids), 500):
        db.session.execute(delete(table).where(table.c.item_id.in_(ids[at:at + 500])))
    rows: list[tuple[int, str, int, str | None]] = []
    for item, voices in links:
        seen: set[tuple[str, int]] = set()
        for v in voices:
            if (v.kind, v.ref_id) not in seen:
                seen.add((v.kind, v.ref_id))
                rows.append((item.id, v.kind, v.ref_id, None if v.kind == "survey" else excerpt(v.text, 200)))
    rows.sort()  # (item, kind, ref) are unique, so the excerpt is never compared
    if not rows:
        return 0
    connection = db.session.connection()
    columns = ", ".join(c.name for c in (table.c.item_id, table.c.kind, table.c.ref_id, table.c.excerpt))
    if connection.dialect.name == "postgresql":
        with connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:  # SQLite: the driver's executemany of tuples takes half the time of SQLAlchemy's of dicts
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES (?, ?, ?, ?)", rows)
    return len(rows)
