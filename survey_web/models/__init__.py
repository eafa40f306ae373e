"""All models, imported here so Alembic and the app see one metadata."""

from .alerts import UrgentAlert
from .audit import AuditEvent
from .banks import BankVersion
from .base import TimestampMixin, utcnow
from .guard import KioskDevice, RefusalCount
from .org import Department, Hospital, SurveyPoint
from .responses import Answer, Comment, CommentTheme, Response
from .users import ROLES, User

__all__ = [
    "ROLES", "Answer", "AuditEvent", "BankVersion", "UrgentAlert", "User", "Comment", "CommentTheme", "Department", "Hospital", "KioskDevice",
    "RefusalCount", "Response", "SurveyPoint", "TimestampMixin", "utcnow",
]
