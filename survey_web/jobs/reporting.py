"""Background work of reporting: the indicator cache fills itself.

The worker's loop calls `enqueue_warming()` with the problem-list tick (every 10 minutes); it is
idempotent and cheap when nothing changed. So when a day or a month closes, or responses are imported
into closed months (their watermarks show it), a worker recounts the periods instead of the first person
to open the dashboard. `bench/dashboard.py` on 1,000,000 responses (2 shared cores, 2026-12-05): first
view with an empty cache 27.9 s; this job from an empty cache 23.2 s (14 months; after a month closes it
has one month and a day to count); the first view after it 1.02 s, like any warm view (0.98 s).
"""

from __future__ import annotations

import logging

from ..reporting.cube import warm
from . import QUEUE_REPORTS, enqueue
from .context import job_context

log = logging.getLogger(__name__)


def warm_cache_job() -> int:
    """RQ job: fill the indicator cache for the pages' periods; returns how many periods it covers.

    Each period is committed as it is counted, so a run cut short by the job timeout keeps its work and
    the next tick finishes it.
    """
    with job_context():
        periods = warm()
        log.info("indicator cache warm: %d periods", len(periods))
        return len(periods)


def enqueue_warming() -> bool:
    """Hand warming to a worker (or the in-process runner); False if Redis refused it."""
    return enqueue(QUEUE_REPORTS, warm_cache_job, job_id="warm-indicator-cache", retry=False)
