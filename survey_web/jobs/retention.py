"""The retention job: free text, contacts and device-hash keys past their period are removed."""

from __future__ import annotations

from ..campaigns.lifecycle import purge_due
from ..privacy.retention import purge
from . import QUEUE_REPORTS, enqueue
from .context import job_context


def purge_job() -> dict:
    """RQ job: run the retention purge once (idempotent); returns what it removed."""
    with job_context():
        counts = purge()
        counts["followup_invitations"] = sum(purge_due().values())
        return counts


def enqueue_purge() -> bool:
    """Hand the purge to a worker (or the in-process runner); False if Redis refused it."""
    return enqueue(QUEUE_REPORTS, purge_job, job_id="retention-purge", retry=False)
