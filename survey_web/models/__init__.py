"""All models, imported here so Alembic and the app see one metadata."""

from .alerts import UrgentAlert
from .audit import AuditEvent
from .banks import BankVersion
from .base import TimestampMixin, utcnow
from .campaigns import Campaign, FollowupWard, Invitation, Message, OptOut
from .guard import KioskDevice, RefusalCount
from .indicators import IndicatorCell, IndicatorPeriod, IndicatorResponses
from .org import Department, Hospital, SurveyPoint
from .privacy import DeviceKey
from .problems import ProblemItem, ProblemList, ProblemNote
from .responses import Answer, Comment, CommentTheme, Response
from .review import CommentReview
from .users import ROLES, User

__all__ = [
    "ROLES", "Answer", "AuditEvent", "BankVersion", "Campaign", "Comment", "CommentReview", "CommentTheme",
    "Department", "DeviceKey", "FollowupWard", "Hospital", "IndicatorCell", "IndicatorPeriod", "IndicatorResponses",
    "Invitation", "KioskDevice", "Message", "OptOut", "ProblemItem", "ProblemList", "ProblemNote", "RefusalCount",
    "Response", "SurveyPoint", "TimestampMixin", "UrgentAlert", "User", "utcnow",
]
