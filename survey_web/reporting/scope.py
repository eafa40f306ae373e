"""Whose figures a page shows: the signed-in user's hospitals and departments, narrowed by the page.

Every query of the dashboard, the reports and the commission view goes through a Scope, so a figure can
never include a department its reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select

from ..accounts.scope import department_ids, hospital_ids
from ..extensions import db
from ..models import Department, Hospital, SurveyPoint, User

# The health commission is another controller (PIPL art. 23): it receives figures, never an individual
# response or comment; its drill-down shows themes aggregated over at least MIN_GROUP responses.
AGGREGATE_ONLY_ROLES = ("commission",)
MIN_GROUP = 10


def aggregates_only(user: User) -> bool:
    """Whether USER may see only aggregated figures (no response, answer sheet or comment of one person)."""
    return user.role in AGGREGATE_ONLY_ROLES


@dataclass(frozen=True)
class Scope:
    """Hospitals and departments to include; None means no restriction at that level."""

    hospital_ids: frozenset[int] | None = None
    department_ids: frozenset[int] | None = None

    @classmethod
    def for_user(cls, user: User) -> Scope:
        hospitals, departments = hospital_ids(user), department_ids(user)
        return cls(None if hospitals is None else frozenset(hospitals),
                   None if departments is None else frozenset(departments))

    @property
    def everything(self) -> bool:
        return self.hospital_ids is None and self.department_ids is None

    def narrow(self, *, hospitals: set[int] | None = None, departments: set[int] | None = None) -> Scope:
        """This scope intersected with HOSPITALS and DEPARTMENTS (never wider than before)."""
        def meet(mine, theirs):
            if theirs is None:
                return mine
            return frozenset(theirs) if mine is None else mine & frozenset(theirs)
        return Scope(meet(self.hospital_ids, hospitals), meet(self.department_ids, departments))


class PointInfo(NamedTuple):
    id: int
    department_id: int
    code: str
    name: str


class DepartmentInfo(NamedTuple):
    id: int
    hospital_id: int
    code: str
    name: str


class HospitalInfo(NamedTuple):
    id: int
    code: str
    name: str


@dataclass
class Org:
    """Names of the points, departments and hospitals inside a scope (a few hundred rows at most)."""

    points: dict[int, PointInfo] = field(default_factory=dict)
    departments: dict[int, DepartmentInfo] = field(default_factory=dict)
    hospitals: dict[int, HospitalInfo] = field(default_factory=dict)

    @classmethod
    def load(cls, scope: Scope) -> Org:
        d, p, h = Department.__table__.c, SurveyPoint.__table__.c, Hospital.__table__.c
        departments = select(d.id, d.hospital_id, d.code, d.name)
        if scope.hospital_ids is not None:
            departments = departments.where(d.hospital_id.in_(scope.hospital_ids or {-1}))
        if scope.department_ids is not None:
            departments = departments.where(d.id.in_(scope.department_ids or {-1}))
        org = cls()
        org.departments = {row.id: DepartmentInfo(*row) for row in db.session.execute(departments)}
        ids = list(org.departments) or [-1]
        org.points = {row.id: PointInfo(*row) for row in db.session.execute(
            select(p.id, p.department_id, p.code, p.name).where(p.department_id.in_(ids)))}
        hospital_ids = {dept.hospital_id for dept in org.departments.values()} or {-1}
        org.hospitals = {row.id: HospitalInfo(*row) for row in db.session.execute(
            select(h.id, h.code, h.name).where(h.id.in_(hospital_ids)))}
        return org

    def point_ids(self, scope: Scope) -> list[int] | None:
        """Point ids to filter on, or None when the scope is everything (no filter needed)."""
        return None if scope.everything else sorted(self.points)

    def department_of(self, point_id: int) -> int | None:
        point = self.points.get(point_id)
        return point.department_id if point else None

    def hospital_of(self, point_id: int) -> int | None:
        point = self.points.get(point_id)
        return self.departments[point.department_id].hospital_id if point else None
