"""All models, imported here so Alembic and the app see one metadata."""

from .banks import BankVersion
from .base import TimestampMixin, utcnow
from .guard import KioskDevice, RefusalCount
from .org import Department, Hospital, SurveyPoint
from .responses import Answer, Comment, CommentTheme, Response

__all__ = [
    "Answer", "BankVersion", "Comment", "CommentTheme", "Department", "Hospital", "KioskDevice",
    "RefusalCount", "Response", "SurveyPoint", "TimestampMixin", "utcnow",
]
