"""Who may see and work on which case, and who may see the complainant's contact.

- the complaint office (`complaints`), the quality office (`quality`) and `admin`: every case of their
  hospital(s); the complaint office and the case's owner see the contact, masked;
- a department head: the cases of their department(s) and cases handed over to them, never the contact
  unless they own the case (首诉负责制: the owner has to call the complainant back);
- the health commission: counts and rates only (`stats.py`), no case.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select

from ..accounts.scope import department_ids, hospital_ids
from ..models import ComplaintCase, User
from ..models.complaints import case_departments

CASE_ROLES = ("admin", "quality", "complaints", "dept_head")
OFFICE_ROLES = ("admin", "quality", "complaints")
STATS_ROLES = ("admin", "quality", "complaints", "commission")


def visible_cases(user: User, query: Select | None = None) -> Select:
    """QUERY (default: all cases) limited to what USER may open; nothing for other roles."""
    query = select(ComplaintCase) if query is None else query
    if user.role not in CASE_ROLES:
        return query.where(ComplaintCase.id.is_(None))
    hospitals = hospital_ids(user)
    if hospitals is not None:
        query = query.where(ComplaintCase.hospital_id.in_(hospitals or {-1}))
    departments = department_ids(user)
    if departments is not None:
        concerns = exists().where(case_departments.c.case_id == ComplaintCase.id,
                                  case_departments.c.department_id.in_(departments or {-1}))
        query = query.where(or_(concerns, ComplaintCase.owner_id == user.id))
    return query


def may_see_contact(user: User, case: ComplaintCase) -> bool:
    """The complaint office of the case's hospital and the case's owner."""
    if case.owner_id == user.id:
        return True
    return user.role == "complaints" and user.hospital_id == case.hospital_id


def may_act(user: User, case: ComplaintCase) -> bool:
    """Hand over, reply, call back, record and close: the offices of its hospital and its owner."""
    if case.owner_id == user.id or user.role == "admin":
        return True
    return user.role in ("quality", "complaints") and user.hospital_id == case.hospital_id
