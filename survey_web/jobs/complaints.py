"""Complaint jobs: classify a case, send a case's reminder or escalation, and the periodic check.

Like the comment jobs they take ids only; the complainant's words never reach Redis or a webhook.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

import analysis

from ..complaints import intake, watch
from ..complaints.classify import pending_text, save_classification
from ..extensions import db
from ..models import ComplaintCase, utcnow
from ..models.complaints import ClassifyStatus
from . import QUEUE_CLASSIFY, QUEUE_REPORTS, enqueue, job_in_flight
from .context import job_context
from .sweeper import STALE_AFTER

log = logging.getLogger(__name__)

NOTICE_TEXT = {
    "due_soon": "【投诉临期】投诉 {number}（{departments}）将于 {due} 到期，请及时向投诉人反馈。",
    "overdue": "【投诉超期】投诉 {number}（{departments}）已超过 {due} 的反馈时限，请尽快处理。",
    "escalation": "【投诉督办】投诉 {number}（{departments}）超期未反馈（时限 {due}），已升级至投诉办负责人。",
    "urgent": "【紧急投诉】投诉 {number}（{departments}）被判定为紧急，请立即登录系统处理。",
}


def classify_case(case_id: int) -> str:
    """RQ job: classify one case with the comments' model. Idempotent (a done case is skipped)."""
    with job_context():
        text = pending_text(case_id)
        if text is None:
            return "skipped"
        try:
            result = analysis.classify(text)
        except Exception:
            _record_failure(case_id)
            raise  # RQ records the failure and schedules the retry
        if not save_classification(case_id, result):
            return "skipped"
        log.info("case %s classified: %d themes, urgent=%s", case_id, len(result.themes), result.urgent)
        if result.urgent:
            enqueue_notice(case_id, "urgent")
        return "done"


def _record_failure(case_id: int, max_attempts: int = 3) -> None:
    """Count a failed run; after MAX_ATTEMPTS the case stops being swept (status failed, shown to the office)."""
    db.session.rollback()
    db.session.execute(update(ComplaintCase).where(ComplaintCase.id == case_id).values(
        attempts=ComplaintCase.attempts + 1))
    db.session.execute(update(ComplaintCase).where(
        ComplaintCase.id == case_id, ComplaintCase.attempts >= max_attempts,
        ComplaintCase.classify_status == ClassifyStatus.PENDING).values(classify_status=ClassifyStatus.FAILED))
    db.session.commit()


def enqueue_classify_case(case_id: int) -> bool:
    """After the commit that stored the case: classify it on a worker (or in-process without Redis)."""
    return enqueue(QUEUE_CLASSIFY, classify_case, case_id, job_id=f"classify-case-{case_id}")


def notify_case(case_id: int, what: str) -> str:
    """RQ job: POST a case notice to URGENT_WEBHOOK_URL (number, departments, deadline; never the words)."""
    with job_context():
        url = current_app.config.get("URGENT_WEBHOOK_URL")
        case = db.session.get(ComplaintCase, case_id)
        if not url or case is None:
            return "skipped"
        departments = "、".join(d.name for d in case.departments) or "未指定科室"
        text = NOTICE_TEXT[what].format(number=case.number, departments=departments,
                                        due=case.due_on.isoformat() if case.due_on else "-")
        body = json.dumps({"case_id": case.id, "number": case.number, "notice": what, "text": text},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - operator-configured URL
            reply.read()
        return "sent"


def enqueue_notice(case_id: int, what: str) -> bool:
    if not current_app.config.get("URGENT_WEBHOOK_URL"):
        return False
    return enqueue(QUEUE_REPORTS, notify_case, case_id, what, job_id=f"case-notice-{case_id}-{what}", retry=True)


def sweep_pending_cases(stale_after: timedelta = STALE_AFTER, limit: int = 500) -> int:
    """Re-enqueue cases left pending (Redis down, worker died), claiming each by `enqueued_at`."""
    cutoff = utcnow() - stale_after
    stale = (ComplaintCase.classify_status == ClassifyStatus.PENDING, ComplaintCase.created_at < cutoff,
             or_(ComplaintCase.enqueued_at.is_(None), ComplaintCase.enqueued_at < cutoff))
    ids = db.session.scalars(select(ComplaintCase.id).where(*stale).order_by(ComplaintCase.id).limit(limit)).all()
    claimed = [case_id for case_id in ids if not job_in_flight(f"classify-case-{case_id}") and db.session.execute(
        update(ComplaintCase).where(ComplaintCase.id == case_id, *stale).values(enqueued_at=utcnow())).rowcount]
    db.session.commit()
    return sum(enqueue_classify_case(case_id) for case_id in claimed)


def tick() -> dict:
    """Open 回访 cases for new low scores, record reminders and escalations, send their notices."""
    created = intake.open_revisit_cases()
    db.session.commit()
    for case_id in created:
        enqueue_classify_case(case_id)
    notices = watch.check()
    for notice in notices:
        enqueue_notice(notice.case_id, notice.what)
    if created or notices:
        log.info("complaints tick: %d revisit cases, %d notices", len(created), len(notices))
    return {"revisit": created, "notices": [(n.case_id, n.what) for n in notices]}
