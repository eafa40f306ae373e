"""All models, imported here so Alembic and the app see one metadata."""

from .alerts import UrgentAlert
from .audit import AuditEvent
from .banks import BankVersion
from .base import TimestampMixin, utcnow
from .campaigns import Campaign, FollowupWard, Invitation, Message, OptOut
from .complaints import CaseEvent, CaseTheme, ComplaintCase, case_departments
from .findings import Finding, FindingTheme
from .guard import KioskDevice, RefusalCount
from .hotline import HotlineImport, HotlineOrder
from .indicators import IndicatorCell, IndicatorPeriod, IndicatorResponses
from .org import Department, Hospital, SurveyPoint
from .privacy import DeviceKey
from .problems import (
    ClusterDecision,
    ProblemCluster,
    ProblemItem,
    ProblemItemSource,
    ProblemList,
    ProblemNote,
)
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
    "Answer",
    "AuditEvent",
    "BankVersion",
    "Campaign",
    "CaseEvent",
    "CaseTheme",
    "ClusterDecision",
    "Comment",
    "CommentReview",
    "CommentTheme",
    "ComplaintCase",
    "Department",
    "DeviceKey",
    "Finding",
    "FindingTheme",
    "FollowupWard",
    "Hospital",
    "HotlineImport",
    "HotlineOrder",
    "IndicatorCell",
    "IndicatorPeriod",
    "IndicatorResponses",
    "Invitation",
    "KioskDevice",
    "Message",
    "OptOut",
    "ProblemCluster",
    "ProblemItem",
    "ProblemItemSource",
    "ProblemList",
    "ProblemNote",
    "ROLES",
    "RefusalCount",
    "Response",
    "RoundStatus",
    "StaffAnswer",
    "StaffCategory",
    "StaffComment",
    "StaffResponse",
    "StaffSurvey",
    "StaffUnit",
    "SurveyPoint",
    "TimestampMixin",
    "UrgentAlert",
    "User",
    "case_departments",
    "utcnow",
]
