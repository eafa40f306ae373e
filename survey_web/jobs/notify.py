"""Outbound notice of an urgent comment: a webhook (e.g. the hospital's WeCom/DingTalk bridge).

The notice names the place and the reason and links to the inbox; the comment text itself stays inside
the system (PIPL: health data is not copied to third-party chat services).
"""

from __future__ import annotations

import json
import logging
import urllib.request

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import Comment, Department, Response, SurveyPoint, UrgentAlert, utcnow
from . import QUEUE_REPORTS, enqueue
from .context import job_context

log = logging.getLogger(__name__)


def enqueue_notification(alert_id: int) -> None:
    if current_app.config.get("URGENT_WEBHOOK_URL"):
        enqueue(QUEUE_REPORTS, notify_urgent, alert_id, job_id=f"notify-{alert_id}")


def notify_urgent(alert_id: int) -> str:
    """RQ job: POST the alert to URGENT_WEBHOOK_URL once (claimed by a conditional update)."""
    with job_context():
        url = current_app.config.get("URGENT_WEBHOOK_URL")
        row = db.session.execute(
            select(UrgentAlert.reason, UrgentAlert.created_at, SurveyPoint.name, Department.name)
            .join(Comment, Comment.id == UrgentAlert.comment_id).join(Response, Response.id == Comment.response_id)
            .join(SurveyPoint, SurveyPoint.id == Response.point_id)
            .join(Department, Department.id == SurveyPoint.department_id)
            .where(UrgentAlert.id == alert_id, UrgentAlert.notified_at.is_(None))
        ).first()
        if not url or row is None:
            return "skipped"
        reason, created_at, point, department = row
        body = json.dumps({"alert_id": alert_id, "reason": reason, "department": department, "point": point,
                           "created_at": created_at.isoformat(),
                           "text": f"【紧急意见】{department}·{point}：{reason}，请及时登录系统查看并回访。"},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - operator-configured URL
            reply.read()
        db.session.execute(update(UrgentAlert).where(UrgentAlert.id == alert_id, UrgentAlert.notified_at.is_(None))
                           .values(notified_at=utcnow()))
        db.session.commit()
        return "sent"
