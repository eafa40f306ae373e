"""A month's specific problems: the voices of each theme grouped into problems with places and trends.

Plain data in, plain data out (the web app reads the month and stores the result). The voices of
one theme (survey comments and, from other sources, complaints, hotline work orders and findings)
are clustered together by ``analysis.cluster``; each group with enough support is a specific
problem with a title in its own words, its places, its count and its trend against the months
before. Identity across months comes from ``match_previous`` on the stored signatures of earlier
months, and the office's merge and split decisions (keyed by those stable ids) are applied again.
A *serious* voice (a complaint the office must answer on its own) is a problem of its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from analysis.cluster import (
    Problem,
    closeness,
    cluster_batches,
    match_previous,
    terms_of,
)

MIN_SUPPORT = 3  # voices a group needs to become a draft item of the hospital list
MIN_DEPARTMENT_SUPPORT = 2  # ... and of a department's list (its share of the group)
QUOTES = 3
QUOTE_CANDIDATES = 40
HISTORY_MONTHS = 6  # how far back a problem's identity is looked for


class EvidenceKind(StrEnum):
    """Where a voice comes from; the values are what `problem_item_sources.kind` stores."""

    SURVEY = "survey"
    COMPLAINT = "complaint"
    HOTLINE = "hotline"
    FINDING = "finding"


class Trend(StrEnum):
    """A problem against the months before."""

    NEW = "new"
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"
    RECURRING = "recurring"  # it was closed (销号) and is reported again


@dataclass(frozen=True)
class Voice:
    """One comment, complaint, work order or finding with a theme (text already de-identified)."""

    kind: str
    ref_id: int
    theme: str
    text: str
    department: int | None = None
    point: str | None = None
    serious: bool = False
    quotable: bool = True  # urgent comments count but are never quoted (they go to the inbox)


@dataclass(frozen=True)
class Known:
    """A problem of an earlier month: its stable id, signature and whether its item was closed."""

    theme: str
    cluster_id: str
    signature: Mapping[str, float]
    title: str = ""
    prev_count: int = 0  # its count last month (0 if it was not reported then)
    closed: bool = False


@dataclass(frozen=True)
class Decision:
    """The office's decision on groups, applied every month: merge CLUSTER_ID into INTO, or split
    off INTO from CLUSTER_ID (the voices closer to SIGNATURE than to REST go to INTO)."""

    kind: str  # "merge" | "split"
    theme: str
    cluster_id: str
    into: str
    signature: Mapping[str, float] = field(default_factory=dict)
    rest: Mapping[str, float] = field(default_factory=dict)
    title: str = ""


@dataclass
class Group:
    """A specific problem of the month."""

    theme: str
    cluster_id: str
    title: str
    voices: list[Voice]
    signature: dict[str, float]
    trend: str = Trend.NEW
    prev_count: int = 0
    serious: bool = False
    typical: dict[tuple[str, int], float] = field(default_factory=dict)  # (kind, ref id) -> closeness

    @property
    def count(self) -> int:
        """Distinct voices: a complaint about two departments is one voice listed under each."""
        return len({(v.kind, v.ref_id) for v in self.voices})

    def departments(self) -> list[tuple[int, int]]:
        """(department id, voices) most first."""
        counts = Counter(v.department for v in self.voices if v.department is not None)
        return sorted(counts.items(), key=lambda p: (-p[1], p[0]))

    def points(self) -> list[tuple[str, int]]:
        counts = Counter(v.point for v in self.voices if v.point)
        return sorted(counts.items(), key=lambda p: (-p[1], p[0]))

    def kinds(self) -> dict[str, int]:
        return dict(sorted(Counter(v.kind for v in self.voices).items()))

    def quotes(self, limit: int = QUOTES, candidates: int = QUOTE_CANDIDATES) -> list[Voice]:
        """Representative voices: of the first CANDIDATES distinct quotable texts, those closest to the
        group's signature, 8-150 characters first (a cap: a group may hold thousands of voices)."""
        pool: dict[str, Voice] = {}
        for voice in self.voices:
            if voice.quotable and voice.text not in pool:
                pool[voice.text] = voice
                if len(pool) == candidates:
                    break
        def fit(voice: Voice) -> float:
            known = self.typical.get((voice.kind, voice.ref_id))
            return known if known is not None else closeness(terms_of(voice.text), self.signature)

        ranked = sorted(pool.values(), key=lambda v: (not 8 <= len(v.text) <= 150, -fit(v), v.kind, v.ref_id))
        return ranked[:limit]


def _serious_group(voice: Voice) -> Group:
    title = voice.text.split("。")[0][:24]
    return Group(voice.theme, f"{voice.kind}-{voice.ref_id}", title, [voice], {}, Trend.NEW, serious=True)


def _apply_decisions(groups: dict[str, Group], decisions: Sequence[Decision]) -> None:
    """Re-apply the office's merges and splits to one theme's groups (in the order they were made)."""
    for decision in decisions:
        source = groups.get(decision.cluster_id)
        if source is None:
            continue
        if decision.kind == "merge":
            target = groups.get(decision.into)
            if target is None:  # the target was not reported this month: the group carries its id
                groups[decision.into] = Group(source.theme, decision.into, source.title, source.voices,
                                              source.signature, typical=source.typical)
            else:
                target.voices.extend(source.voices)
                target.typical.update(source.typical)
            del groups[decision.cluster_id]
        elif decision.kind == "split":
            moved = [v for v in source.voices
                     if closeness(terms_of(v.text), decision.signature) > closeness(terms_of(v.text), decision.rest)]
            if not moved:
                continue
            source.voices = [v for v in source.voices if v not in moved]
            part = groups.setdefault(decision.into, Group(source.theme, decision.into, decision.title, [],
                                                          dict(decision.signature)))
            part.voices.extend(moved)
            if not source.voices:
                del groups[decision.cluster_id]


def _trend(count: int, known: Known | None, responses: int, prev_responses: int) -> str:
    from analysis.problem_list import rose_significantly

    if known is None:
        return Trend.NEW
    if known.closed:
        return Trend.RECURRING
    if rose_significantly(count, responses, known.prev_count, prev_responses):
        return Trend.RISING
    if rose_significantly(known.prev_count, prev_responses, count, responses):
        return Trend.FALLING
    return Trend.STEADY


def month_groups(voices: Iterable[Voice], known: Sequence[Known] = (), decisions: Sequence[Decision] = (), *,
                 responses: int = 0, prev_responses: int = 0, min_support: int = 2,
                 workers: int = 1) -> list[Group]:
    """The month's specific problems over all themes, largest first.

    KNOWN are earlier months' problems (their ids are kept for the same problem), DECISIONS the
    office's merges and splits; RESPONSES and PREV_RESPONSES scale the rising/falling test. Groups
    smaller than MIN_SUPPORT are dropped (the caller applies the list's own, higher threshold).
    """
    by_theme: dict[str, list[Voice]] = defaultdict(list)
    serious: dict[tuple[str, str, int], Group] = {}  # one group per serious voice and theme
    for voice in voices:
        if voice.serious:
            key = (voice.theme, voice.kind, voice.ref_id)
            if key in serious:
                serious[key].voices.append(voice)  # the same complaint under another department
            else:
                serious[key] = _serious_group(voice)
        else:
            by_theme[voice.theme].append(voice)
    results = cluster_batches({theme: [v.text for v in vs] for theme, vs in by_theme.items()}, workers=workers)
    known_by_theme: dict[str, list[Known]] = defaultdict(list)
    for k in known:
        known_by_theme[k.theme].append(k)
    out: list[Group] = []
    for theme in sorted(by_theme):
        clustering = results[theme]
        previous = [Problem(k.cluster_id, k.title, 0, dict(k.signature)) for k in known_by_theme[theme]]
        if previous:
            match_previous(clustering.problems, previous)
        groups: dict[str, Group] = {}
        for voice, index, close in zip(by_theme[theme], clustering.assignment, clustering.closeness, strict=True):
            if index is None:
                continue
            problem = clustering.problems[index]
            group = groups.setdefault(problem.id, Group(theme, problem.id, problem.title, [], problem.signature))
            group.voices.append(voice)
            group.typical[(voice.kind, voice.ref_id)] = close
        _apply_decisions(groups, [d for d in decisions if d.theme == theme])
        history = {k.cluster_id: k for k in known_by_theme[theme]}
        for group in groups.values():
            if group.count < min_support:
                continue
            found = history.get(group.cluster_id)
            group.prev_count = found.prev_count if found else 0
            group.trend = _trend(group.count, found, responses, prev_responses)
            out.append(group)
    for group in serious.values():
        group.trend = Trend.RECURRING if any(k.cluster_id == group.cluster_id and k.closed for k in known) \
            else Trend.NEW
    return sorted(out, key=lambda g: (-g.count, g.theme, g.cluster_id)) + list(serious.values())

