"""Background work of the office: the monthly problem lists and reminders for overdue items.

Schedule: `tick()` is idempotent and cheap, so anything may call it as often as it likes: the worker's
sweeper loop, a cron line (`flask problem-list tick`), or both on several machines. From the 1st of a
month it enqueues generation of the previous month's lists for every hospital that lacks one (the
unique constraint on `problem_lists` makes a duplicate run a no-op), and it records reminders on
overdue items at most every PROBLEM_REMIND_DAYS days (claimed by a conditional UPDATE).
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from ..complaints.evidence import problem_evidence as complaint_evidence
from ..complaints.hotline.evidence import problem_evidence as hotline_evidence
from ..extensions import db
from ..findings.evidence import problem_evidence as finding_evidence
from ..models import Hospital
from ..models.problems import ProblemList
from ..problems.evidence import Evidence
from ..problems.generate import generate_hospital
from ..problems.ledger import overdue_items, remind
from ..timeutil import previous_month, today
from . import QUEUE_REPORTS, enqueue
from .context import job_context

log = logging.getLogger(__name__)


def other_sources(hospital_id: int, month: str) -> list[Evidence]:
    """The month's complaints, hotline work orders and findings as problem-list evidence.

    Sibling domain packages cannot import each other, so the job layer joins them: each source gives plain
    dicts (`complaints.evidence`, `complaints.hotline.evidence`, `findings.evidence`).
    """
    rows = [*complaint_evidence(hospital_id, month), *hotline_evidence(hospital_id, month),
            *finding_evidence(hospital_id, month)]
    return [Evidence.from_dict(row) for row in rows]


def generate_month_job(hospital_id: int, month: str, refresh: bool = False, user_id: int | None = None,
                       evidence: list[dict] | None = None) -> str:
    """RQ job: the hospital's and its departments' lists for MONTH; safe to run twice.

    EVIDENCE are other sources' voices as plain dicts (keys of `problems.evidence.Evidence`); without it the
    month's complaints, hotline work orders and findings are read here. They are clustered with the survey
    comments.
    """
    with job_context():
        extra = (other_sources(hospital_id, month) if evidence is None
                 else [Evidence.from_dict(row) for row in evidence])
        workers = int(current_app.config.get("PROBLEM_CLUSTER_WORKERS", 1))
        results = generate_hospital(hospital_id, month, refresh=refresh, user_id=user_id, extra_evidence=extra,
                                    workers=workers)
        return ", ".join(f"{pl.department_id or 'hospital'}:{outcome}" for pl, outcome in results)


def enqueue_generation(hospital_id: int, month: str, *, refresh: bool = False, user_id: int | None = None) -> bool:
    """Hand generation to a worker (or the in-process runner); False if Redis refused it."""
    suffix = "-refresh" if refresh else ""
    return enqueue(QUEUE_REPORTS, generate_month_job, hospital_id, month, refresh, user_id,
                   job_id=f"problem-list-{hospital_id}-{month}{suffix}", retry=True)


def remind_overdue(hospital_ids: set[int] | None = None) -> int:
    """Record a reminder on every overdue item not reminded recently, and commit."""
    every = current_app.config.get("PROBLEM_REMIND_DAYS", 7)
    day = today()
    sent = sum(remind(item, None, day, every) for item in overdue_items(hospital_ids, day))
    db.session.commit()
    return sent


def missing_lists(month: str) -> list[int]:
    """Hospitals without a hospital list for MONTH."""
    have = select(ProblemList.hospital_id).where(ProblemList.month == month, ProblemList.scope_key == 0)
    return list(db.session.scalars(select(Hospital.id).where(Hospital.id.not_in(have)).order_by(Hospital.id)))


def tick() -> dict:
    """Enqueue last month's missing lists and record due reminders; returns what it did."""
    month = previous_month()
    enqueued = [hospital_id for hospital_id in missing_lists(month) if enqueue_generation(hospital_id, month)]
    reminded = remind_overdue()
    if enqueued or reminded:
        log.info("office tick: lists for %s enqueued for hospitals %s; %d reminders", month, enqueued, reminded)
    return {"month": month, "enqueued": enqueued, "reminded": reminded}
