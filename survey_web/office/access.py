"""Who may see and change what in the office pages; a guessed id outside one's scope is a 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from ..accounts.scope import scope_points, scoped
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
    return scoped(select(ProblemList), user, ProblemList.hospital_id, ProblemList.department_id)


def list_or_404(user: User, list_id: int) -> ProblemList:
    """The problem list if USER may open it, else 404."""
    return _one_or_404(lists_query(user).where(ProblemList.id == list_id))


def items_query(user: User) -> Select:
    """Items USER may open: a department head sees items of their department in any list."""
    query = select(ProblemItem).join(ProblemList, ProblemList.id == ProblemItem.list_id)
    return scoped(query, user, ProblemList.hospital_id, ProblemItem.department_id, ProblemList.department_id)


def item_or_404(user: User, item_id: int) -> ProblemItem:
    """The list item if USER may open it, else 404."""
    return _one_or_404(items_query(user).where(ProblemItem.id == item_id))


def require_manager() -> None:
    """403 unless the signed-in user runs the problem list."""
    if not can_manage():
        abort(403)


def managed(record):
    """RECORD, once the signed-in user is found to run the problem list (403 otherwise)."""
    require_manager()
    return record
