"""Cases born inside the system: an urgent comment's alert (one click) and a low survey score (回访 by rule)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..accounts.scope import scope_points
from ..extensions import db
from ..models import (
    Answer,
    Comment,
    ComplaintCase,
    Department,
    Response,
    SurveyPoint,
    UrgentAlert,
    User,
    utcnow,
)
from ..models.complaints import CaseChannel, CaseKind
from .cases import open_case

OVERALL = "overall"  # the overall-satisfaction question of every bank


def _copy_contact(case: ComplaintCase, response: Response) -> None:
    # Same keys, same Fernet token: the contact is never decrypted to be copied.
    if response.contact_consent and response.contact_encrypted:
        case.contact_encrypted, case.contact_consent = response.contact_encrypted, True


def visible_alert(user: User, alert_id: int) -> UrgentAlert | None:
    """The alert if USER may see its comment's place (accounts.scope), else None."""
    query = (select(UrgentAlert).join(Comment, Comment.id == UrgentAlert.comment_id)
             .join(Response, Response.id == Comment.response_id).join(SurveyPoint, SurveyPoint.id == Response.point_id)
             .join(Department, Department.id == SurveyPoint.department_id).where(UrgentAlert.id == alert_id))
    return db.session.scalar(scope_points(query, user))


def case_for_alert(alert_id: int, user: User) -> tuple[ComplaintCase, bool]:
    """The case of an urgent alert's comment, opened now if there is none; (case, created?)."""
    alert = db.session.get(UrgentAlert, alert_id)
    if alert is None:
        raise LookupError(alert_id)
    existing = db.session.scalar(select(ComplaintCase).where(ComplaintCase.comment_id == alert.comment_id))
    if existing is not None:
        return existing, False
    comment = alert.comment
    response = comment.response
    department = response.point.department
    case = open_case(hospital_id=department.hospital_id, channel=CaseChannel.SURVEY, text=comment.text,
                     received_by=user, departments=[department], serious=True, comment_id=comment.id,
                     response_id=None, received_at=utcnow())
    _copy_contact(case, response)
    return case, True


def low_score_responses(threshold: int, since) -> list[int]:
    """Responses since SINCE with an overall score <= THRESHOLD, a consented contact and no case yet."""
    has_case = exists().where(ComplaintCase.response_id == Response.id)
    return list(db.session.scalars(
        select(Response.id).join(Answer, Answer.response_id == Response.id)
        .where(Answer.question_code == OVERALL, Answer.score <= threshold, Response.submitted_at >= since,
               Response.contact_consent.is_(True), Response.contact_encrypted.is_not(None), ~has_case)
        .order_by(Response.id)))


def open_revisit_cases(days_back: int = 7) -> list[int]:
    """回访 cases for new low-score responses (COMPLAINTS_REVISIT_SCORE; 0 = off); returns their ids. The
    caller commits. The unique response_id makes a second run, or a second worker, a no-op."""
    threshold = current_app.config.get("COMPLAINTS_REVISIT_SCORE", 2)
    if not threshold:
        return []
    created = []
    for response_id in low_score_responses(threshold, utcnow() - timedelta(days=days_back)):
        response = db.session.get(Response, response_id)
        point: SurveyPoint = response.point
        department: Department = point.department
        score = next(a.score for a in response.answers if a.question_code == OVERALL)
        comment = db.session.scalar(select(Comment.text).where(Comment.response_id == response_id))
        text = comment or f"（问卷总体满意度 {score} 分，未留文字意见）"
        try:
            with db.session.begin_nested():  # a concurrent run that got there first costs only this savepoint
                case = open_case(hospital_id=department.hospital_id, channel=CaseChannel.SURVEY, text=text,
                                 received_by=None, departments=[department], kind=CaseKind.REVISIT,
                                 response_id=response_id, received_at=response.submitted_at)
                _copy_contact(case, response)
        except IntegrityError:
            continue
        created.append(case.id)
    return created
