"""Background jobs: RQ on Redis in production, a thread in this process when REDIS_URL is unset.

Jobs take ids, never ORM objects or comment text: health data stays out of Redis.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

log = logging.getLogger(__name__)

QUEUE_CLASSIFY = "classify"
QUEUE_REPORTS = "reports"
QUEUE_FOLLOWUP = "followup"
QUEUES = (QUEUE_CLASSIFY, QUEUE_REPORTS, QUEUE_FOLLOWUP)

JOB_TIMEOUT = 60
RESULT_TTL = 3600
FAILURE_TTL = 7 * 86400


def web_redis(url: str) -> Redis:
    """A Redis client for the web tier that fails in well under a second instead of retrying for ~3 s."""
    return Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5, retry=None,
                          retry_on_timeout=False, health_check_interval=0)


def worker_redis(url: str) -> Redis:
    """A Redis client for workers: patient, since nothing waits on them."""
    return Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)


class InProcessRunner:
    """Runs jobs on one background thread of this process (the embedded mode, no Redis)."""

    def __init__(self, app: Flask):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")
        self.pending: list[Future] = []

    def submit(self, func: Callable, *args) -> None:
        def run():
            with self.app.app_context():
                func(*args)

        self.pending = [f for f in self.pending if not f.done()]
        self.pending.append(self.executor.submit(run))

    def wait(self, timeout: float = 60) -> None:
        """Block until every submitted job has finished (tests and CLI commands use this)."""
        for future in list(self.pending):
            future.result(timeout=timeout)
        self.pending.clear()


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["jobs"] = {"redis": web_redis(url) if url else None,
                              "runner": None if url else InProcessRunner(app)}


def redis_connection() -> Redis | None:
    """This process's web-tier Redis client, or None in the embedded mode."""
    return current_app.extensions["jobs"]["redis"]


def queue(name: str, connection: Redis | None = None) -> Queue:
    conn = connection or redis_connection()
    return Queue(name, connection=conn, serializer=JSONSerializer)


def enqueue(queue_name: str, func: Callable, *args, job_id: str | None = None, retry: bool = True) -> bool:
    """Hand FUNC(*ARGS) to a worker after the current commit; returns False if Redis refused it.

    A False return loses nothing: the sweeper finds rows left pending and enqueues them again.
    """
    state = current_app.extensions["jobs"]
    if state["runner"] is not None:
        state["runner"].submit(func, *args)
        return True
    try:
        # One MULTI/EXEC for all of RQ's writes (queue registry, job hash, push) instead of two round trips.
        pipe = state["redis"].pipeline()
        queue(queue_name).enqueue_call(
            func, args=args, job_id=job_id, timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL, retry=Retry(max=3, interval=[5, 30, 120]) if retry else None,
            pipeline=pipe,
        )
        pipe.execute()
        return True
    except (RedisError, OSError) as exc:
        log.warning("enqueue %s%s failed, left for the sweeper: %s", func.__name__, args, type(exc).__name__)
        return False


def job_in_flight(job_id: str) -> bool:
    """Whether Redis holds JOB_ID waiting to run: queued or scheduled for a retry (False when unsure).

    A 'started' job does not count: classification takes milliseconds, so a row still pending long after
    its job started belongs to a worker that died, and the idempotent job makes a second run harmless.
    """
    connection = current_app.extensions["jobs"]["redis"]
    if connection is None:
        return False
    try:
        job = Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
        status = job.get_status()
        if status == JobStatus.QUEUED:
            # A worker that popped the job and died before marking it started leaves it 'queued' but
            # gone from the list; only presence in the list counts.
            return connection.lpos(queue(job.origin or QUEUE_CLASSIFY).key, job_id) is not None
    except (NoSuchJobError, RedisError, OSError):
        return False
    return status in (JobStatus.SCHEDULED, JobStatus.DEFERRED)


def enqueue_classify(comment_id: int) -> bool:
    from .classify import classify_comment

    return enqueue(QUEUE_CLASSIFY, classify_comment, comment_id, job_id=f"classify-{comment_id}")


def wait_in_process(app: Flask, timeout: float = 60) -> None:
    runner = app.extensions["jobs"]["runner"]
    if runner is not None:
        runner.wait(timeout)
