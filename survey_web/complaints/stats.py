"""Counts and rates of complaint handling: per department (time to first reply, on-time rate), per
hospital (what the health commission sees: counts and rates only), per channel and theme."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..accounts.scope import department_ids
from ..extensions import db
from ..models import ComplaintCase, Department, Hospital, User
from ..models.complaints import CaseStatus
from ..timeutil import as_utc, local, today
from .access import visible_cases
from .classify import effective_themes


@dataclass
class Handling:
    """How a group of cases was handled: counts, the on-time rate and the hours to the first reply."""

    cases: int = 0
    replied: int = 0
    on_time: int = 0
    late: int = 0  # replied after the deadline, or still open past it
    open: int = 0
    closed: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, case: ComplaintCase, day: date) -> None:
        self.cases += 1
        self.closed += case.status == CaseStatus.CLOSED
        self.open += case.status == CaseStatus.OPEN
        if case.first_reply_at is not None:
            self.replied += 1
            self.hours.append((as_utc(case.first_reply_at) - as_utc(case.received_at)).total_seconds() / 3600)
            if case.due_on is None or local(case.first_reply_at).date() <= case.due_on:
                self.on_time += 1
            else:
                self.late += 1
        elif case.due_on is not None and day > case.due_on:
            self.late += 1

    @property
    def decided(self) -> int:
        """Cases whose timeliness is known: replied, or open past the deadline."""
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None

    @property
    def median_hours(self) -> float | None:
        return median(self.hours) if self.hours else None

    def as_dict(self) -> dict:
        return {"cases": self.cases, "replied": self.replied, "on_time": self.on_time, "late": self.late,
                "open": self.open, "closed": self.closed, "on_time_rate": self.on_time_rate,
                "median_hours_to_first_reply": self.median_hours}


def cases_between(hospital_ids: set[int] | None, start: datetime, end: datetime,
                  query: Select | None = None) -> list[ComplaintCase]:
    """Cases received in [START, END) in HOSPITAL_IDS (None: all), with departments and themes loaded;
    QUERY narrows them further (e.g. `access.visible_cases(user)`)."""
    query = (select(ComplaintCase) if query is None else query).options(
        selectinload(ComplaintCase.departments), selectinload(ComplaintCase.themes)).where(
        ComplaintCase.received_at >= start, ComplaintCase.received_at < end).order_by(
        ComplaintCase.received_at, ComplaintCase.id)
    if hospital_ids is not None:
        query = query.where(ComplaintCase.hospital_id.in_(hospital_ids or {-1}))
    return list(db.session.scalars(query))


def for_user(user: User, start: datetime, end: datetime) -> Breakdown:
    """Handling of the cases USER may open received in [START, END); a department head's figures count only
    their own department(s)."""
    found = cases_between(None, start, end, visible_cases(user))
    mine = department_ids(user)
    result = breakdown(found)
    if mine is not None:
        result.by_department = [(d, h) for d, h in result.by_department if d is not None and d.id in mine]
    return result


@dataclass
class Breakdown:
    overall: Handling
    by_department: list[tuple[Department | None, Handling]]
    by_channel: Counter
    by_theme: Counter  # negative themes
    by_kind: Counter


def breakdown(cases: list[ComplaintCase], day: date | None = None) -> Breakdown:
    """Handling overall and per department (a case of several departments counts in each), counts by channel
    and by negative theme."""
    day = day or today()
    overall, per_department = Handling(), defaultdict(Handling)
    departments: dict[int | None, Department | None] = {None: None}
    channels, themes, kinds = Counter(), Counter(), Counter()
    for case in cases:
        overall.add(case, day)
        for department in case.departments or [None]:
            key = department.id if department else None
            departments[key] = department
            per_department[key].add(case, day)
        channels[case.channel] += 1
        kinds[case.kind] += 1
        themes.update(code for code, polarity in effective_themes(case).items() if polarity == "neg")
    rows = sorted(per_department.items(), key=lambda kv: (kv[0] is None, departments[kv[0]].code if kv[0] else ""))
    return Breakdown(overall, [(departments[key], handling) for key, handling in rows], channels, themes, kinds)


def by_hospital(hospital_ids: set[int] | None, start: datetime, end: datetime) -> list[tuple[Hospital, Handling]]:
    """Handling per hospital: what the health commission sees (no case, no words, no contact)."""
    per = defaultdict(Handling)
    day = today()
    for case in cases_between(hospital_ids, start, end):
        per[case.hospital_id].add(case, day)
    hospitals = db.session.scalars(select(Hospital).where(Hospital.id.in_(per or {-1})).order_by(Hospital.code))
    return [(hospital, per[hospital.id]) for hospital in hospitals]
