"""All models, imported here so Alembic and the app see one metadata."""

from .alerts import UrgentAlert
from .audit import AuditEvent
from .banks import BankVersion
from .base import TimestampMixin, utcnow
from .guard import KioskDevice, RefusalCount
from .indicators import IndicatorCell, IndicatorPeriod, IndicatorResponses
from .org import Department, Hospital, SurveyPoint
from .privacy import DeviceKey
from .problems import ProblemItem, ProblemList, ProblemNote
from .responses import Answer, Comment, CommentTheme, Response
from .review import CommentReview
from .staff_survey import (
    RoundStatus,
    StaffAnswer,
    StaffCategory,
    StaffComment,
    StaffResponse,
    StaffSurvey,
    StaffUnit,
)
from .users import ROLES, User

__all__ = [
    "ROLES", "Answer", "AuditEvent", "BankVersion", "Comment", "CommentReview", "CommentTheme", "Department",
    "DeviceKey", "Hospital", "IndicatorCell", "IndicatorPeriod", "IndicatorResponses", "KioskDevice", "ProblemItem",
    "ProblemList", "ProblemNote", "RefusalCount", "Response", "RoundStatus",
    "StaffAnswer", "StaffCategory", "StaffComment", "StaffResponse", "StaffSurvey", "StaffUnit", "SurveyPoint", "TimestampMixin", "UrgentAlert",
    "User", "utcnow",
]
