"""Who may see and change what in the office pages; a guessed id outside one's scope is a 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, or_, select

from ..accounts.scope import department_ids, hospital_ids, scope_points
from ..extensions import db
from ..models import Comment, Department, Response, SurveyPoint, UrgentAlert, User
from ..models.problems import ProblemItem, ProblemList

OFFICE_ROLES = ("admin", "quality", "dept_head")
MANAGERS = ("admin", "quality")


def can_manage(user: User | None = None) -> bool:
    """The quality office (and admin) runs the problem list; department heads report progress."""
    user = user or current_user
    return user.role in MANAGERS


def comments_query(user: User, columns=None) -> Select:
    """SELECT over comments joined to their place, limited to what USER may see."""
    query = select(*(columns or (Comment,))).select_from(Comment) \
        .join(Response, Response.id == Comment.response_id) \
        .join(SurveyPoint, SurveyPoint.id == Response.point_id) \
        .join(Department, Department.id == SurveyPoint.department_id)
    return scope_points(query, user)


def _one_or_404(query: Select):
    row = db.session.scalar(query)
    if row is None:
        abort(404)
    return row


def comment_or_404(user: User, comment_id: int) -> Comment:
    """The comment if USER may see it, else 404."""
    return _one_or_404(comments_query(user).where(Comment.id == comment_id))


def alerts_query(user: User) -> Select:
    """SELECT over urgent alerts joined to their place, limited to what USER may see."""
    return comments_query(user, (UrgentAlert,)).join(UrgentAlert, UrgentAlert.comment_id == Comment.id)


def alert_or_404(user: User, alert_id: int) -> UrgentAlert:
    """The urgent alert if USER may see it, else 404."""
    return _one_or_404(alerts_query(user).where(UrgentAlert.id == alert_id))


def lists_query(user: User) -> Select:
    """Problem lists USER may open: their hospitals' lists; a department head only their department's."""
    query = select(ProblemList)
    hospitals, departments = hospital_ids(user), department_ids(user)
    if hospitals is not None:
        query = query.where(ProblemList.hospital_id.in_(hospitals or {-1}))
    if departments is not None:
        query = query.where(ProblemList.department_id.in_(departments or {-1}))
    return query


def list_or_404(user: User, list_id: int) -> ProblemList:
    """The problem list if USER may open it, else 404."""
    found = db.session.scalar(lists_query(user).where(ProblemList.id == list_id))
    if found is None:
        abort(404)
    return found


def items_query(user: User) -> Select:
    """Items USER may open: a department head sees items of their department in any list."""
    query = select(ProblemItem).join(ProblemList, ProblemList.id == ProblemItem.list_id)
    hospitals, departments = hospital_ids(user), department_ids(user)
    if hospitals is not None:
        query = query.where(ProblemList.hospital_id.in_(hospitals or {-1}))
    if departments is not None:
        allowed = departments or {-1}
        query = query.where(or_(ProblemItem.department_id.in_(allowed), ProblemList.department_id.in_(allowed)))
    return query


def item_or_404(user: User, item_id: int) -> ProblemItem:
    """The list item if USER may open it, else 404."""
    item = db.session.scalar(items_query(user).where(ProblemItem.id == item_id))
    if item is None:
        abort(404)
    return item


def require_manager() -> None:
    """403 unless the signed-in user runs the problem list."""
    if not can_manage():
        abort(403)
