"""Follow-up sending jobs: one job per channel sends its due messages in batches (campaigns.sending).

The job is safe to run twice at once (each message is claimed in the database), so it needs no job id;
the sweeper adds one only while none waits in the queue.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from ..campaigns.sending import due_channels, recover, send_due
from . import QUEUE_FOLLOWUP, enqueue, queue, redis_connection
from .context import job_context

log = logging.getLogger(__name__)


def send_job(channel: str) -> dict:
    """RQ job: send CHANNEL's due messages for up to 40 s (the job timeout is 60 s); returns the counts."""
    with job_context():
        return send_due(channel)


def enqueue_sends() -> list[str]:
    """Release dead workers' claims, then enqueue a send job per channel with due messages (none while one
    already waits). Returns the channels enqueued."""
    recover()
    channels = due_channels()
    if not channels:
        return []
    connection = redis_connection()
    if connection is not None:
        try:
            waiting = {job.args[0] for job in queue(QUEUE_FOLLOWUP).jobs if job.args}
        except (RedisError, OSError) as exc:
            log.warning("follow-up sends not enqueued: Redis unreachable (%s)", type(exc).__name__)
            return []
        channels = [c for c in channels if c not in waiting]
    return [c for c in channels if enqueue(QUEUE_FOLLOWUP, send_job, c, retry=False)]
