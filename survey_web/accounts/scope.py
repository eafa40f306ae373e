"""What each role may see: one place that every staff page asks."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select

from ..extensions import db
from ..models import Department, SurveyPoint, User


def roles_required(*roles: str):
    """Allow the view only to signed-in users with one of ROLES (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def hospital_ids(user: User) -> set[int] | None:
    """Hospitals USER may see; None means every hospital (admin)."""
    if user.role == "admin":
        return None
    if user.role == "commission":
        return {h.id for h in user.hospitals}
    return {user.hospital_id} if user.hospital_id else set()


def department_ids(user: User) -> set[int] | None:
    """Departments USER may see results of; None means all of the user's hospitals."""
    if user.role == "dept_head":
        return {user.department_id} if user.department_id else set()
    if user.role == "volunteer":
        return set()
    return None


def scoped(query: Select, user: User, hospital_column, *department_columns) -> Select:
    """QUERY limited to USER's hospitals (HOSPITAL_COLUMN) and, for a department head, to rows whose
    DEPARTMENT_COLUMNS (any of them) hold one of their departments."""
    hospitals, departments = hospital_ids(user), department_ids(user)
    if hospitals is not None:
        query = query.where(hospital_column.in_(hospitals or {-1}))
    if departments is not None:
        query = query.where(or_(*(column.in_(departments or {-1}) for column in department_columns)))
    return query


def scope_points(query: Select, user: User) -> Select:
    """Restrict a query that joins SurveyPoint and Department to what USER may see."""
    return scoped(query, user, Department.hospital_id, SurveyPoint.department_id)


def visible_departments(user: User) -> list[Department]:
    """The departments USER may see, by code."""
    query = select(Department).join(SurveyPoint, isouter=True).distinct().order_by(Department.code)
    return list(db.session.scalars(scoped(query, user, Department.hospital_id, Department.id)))

