"""The dashboard's lists beside the figures: the latest urgent comments and the problem-list ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from analysis.ledger import ItemStatus
from analysis.problem_list import LIVE

from ..extensions import db
from ..models import Comment, Response, UrgentAlert
from ..models.problems import ProblemItem, ProblemList
from .periods import Month
from .scope import Scope

LEDGER = (*LIVE, "closed")  # carried rows are superseded by their continuation; drafts are not on the ledger


@dataclass(frozen=True)
class UrgentItem:
    id: int
    reason: str
    created_at: datetime
    acknowledged: bool
    closed: bool
    text: str
    point_id: int


def latest_urgent(point_ids: list[int] | None, limit: int = 5) -> list[UrgentItem]:
    """The newest urgent alerts inside the scope, newest first; those the office closed as false alarms
    are left out."""
    query = select(UrgentAlert.id, UrgentAlert.reason, UrgentAlert.created_at, UrgentAlert.acknowledged_at,
                   UrgentAlert.closed_at, Comment.text, Response.point_id) \
        .join(Comment, Comment.id == UrgentAlert.comment_id).join(Response, Response.id == Comment.response_id) \
        .where(UrgentAlert.false_alarm.is_(False)) \
        .order_by(UrgentAlert.created_at.desc(), UrgentAlert.id.desc()).limit(limit)
    if point_ids is not None:
        query = query.where(Response.point_id.in_(point_ids or [-1]))
    return [UrgentItem(i, reason, at, ack is not None, closed is not None, text, point)
            for i, reason, at, ack, closed, text, point in db.session.execute(query)]


def _ledger(query, scope: Scope):
    query = query.join(ProblemList, ProblemList.id == ProblemItem.list_id).where(ProblemItem.status.in_(LEDGER))
    if scope.hospital_ids is not None:
        query = query.where(ProblemList.hospital_id.in_(scope.hospital_ids or {-1}))
    if scope.department_ids is not None:
        query = query.where(func.coalesce(ProblemItem.department_id, ProblemList.department_id)
                            .in_(scope.department_ids or {-1}))
    return query


def open_items(scope: Scope, today: date, limit: int = 8) -> tuple[list[ProblemItem], int]:
    """The open ledger items (立账 or 督办) inside SCOPE, overdue and earliest deadline first, and their count."""
    live = ProblemItem.status.in_(LIVE)
    count = db.session.scalar(_ledger(select(func.count(ProblemItem.id)), scope).where(live))
    overdue_first = (ProblemItem.deadline.is_(None), ProblemItem.deadline, ProblemItem.id)
    items = list(db.session.scalars(_ledger(select(ProblemItem), scope).where(live).order_by(*overdue_first)
                                    .limit(limit)))
    return items, count or 0


@dataclass(frozen=True)
class Closure:
    """The ledger of a scope: items on it, closed (销号), still open, overdue; rate = closed / on ledger."""

    total: int
    closed: int
    open: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.closed / self.total if self.total else None


def closure_by_hospital(scope: Scope, today: date, months: list[Month] | None = None) -> dict[int, Closure]:
    """{hospital id: Closure} of items raised in MONTHS (all months if None), as they stand TODAY."""
    closed = func.count(ProblemItem.id).filter(ProblemItem.status == ItemStatus.CLOSED)
    live = func.count(ProblemItem.id).filter(ProblemItem.status.in_(LIVE))
    overdue = func.count(ProblemItem.id).filter(ProblemItem.status.in_(LIVE), ProblemItem.deadline < today)
    query = _ledger(select(ProblemList.hospital_id, func.count(ProblemItem.id), closed, live, overdue), scope) \
        .group_by(ProblemList.hospital_id)
    if months is not None:
        query = query.where(ProblemItem.origin_month.in_([str(m) for m in months]))
    return {hospital: Closure(total, c, o, late) for hospital, total, c, o, late in db.session.execute(query)}


def closed_in(scope: Scope, start: datetime, end: datetime) -> int:
    """Ledger items closed (销号) between START and END, whenever they were raised."""
    return db.session.scalar(_ledger(select(func.count(ProblemItem.id)), scope)
                             .where(ProblemItem.status == ItemStatus.CLOSED, ProblemItem.closed_at >= start,
                                    ProblemItem.closed_at < end)) or 0
