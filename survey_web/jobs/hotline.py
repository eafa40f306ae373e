"""Handing an import's new cases to the classifier in one round trip (a 5,000-row file makes 5,000 jobs).

The jobs are `jobs.complaints.classify_case`, the same as for a case registered by hand; one job each
(ids only), with the same timeouts and retries, written to Redis in one pipeline instead of one each.
"""

from __future__ import annotations

import logging

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Retry

from . import FAILURE_TTL, JOB_TIMEOUT, QUEUE_CLASSIFY, RESULT_TTL, queue
from .complaints import classify_case

log = logging.getLogger(__name__)
BATCH = 1000  # jobs per pipeline: bounded memory for Redis' reply


def enqueue_classify_cases(case_ids: list[int]) -> int:
    """After the commit that stored the cases: one classification job per case; returns how many were
    handed over. A Redis failure loses nothing: the complaints' sweeper re-enqueues pending cases."""
    state = current_app.extensions["jobs"]
    if state["runner"] is not None:
        for case_id in case_ids:
            state["runner"].submit(classify_case, case_id)
        return len(case_ids)
    handed = 0
    target = queue(QUEUE_CLASSIFY)
    for start in range(0, len(case_ids), BATCH):
        chunk = case_ids[start:start + BATCH]
        jobs = [Queue.prepare_data(classify_case, args=(case_id,), job_id=f"classify-case-{case_id}",
                                   timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
                                   retry=Retry(max=3, interval=[5, 30, 120])) for case_id in chunk]
        try:
            pipe = state["redis"].pipeline()
            target.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
            handed += len(chunk)
        except (RedisError, OSError) as exc:
            log.warning("enqueue of %d cases failed, left for the sweeper: %s", len(chunk), type(exc).__name__)
    return handed
