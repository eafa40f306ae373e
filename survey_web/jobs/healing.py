"""An RQ worker that outlives Redis outages, and retries that do not wait for one process's scheduler.

RQ retries a lost connection only while it waits for a job; the same error anywhere else in its loop
(the heartbeat after a job, the suspension check, maintenance) ends `work()`. Its scheduler runs in a
child process that dies on the first Redis error and is restarted only at the 10-minute maintenance,
and a Redis that restarts empty forgets the worker's registration (`/healthz` then counts 0 workers).
"""

from __future__ import annotations

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout
from rq import SimpleWorker, Worker, worker_registration
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.queue import Queue
from rq.registry import ScheduledJobRegistry
from rq.utils import current_timestamp

log = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeout, OSError)
WORKER_TTL = 35  # seconds: an idle worker heartbeats (and heals) every WORKER_TTL - 15 s
SCHEDULER_CHECK_EVERY = 10  # seconds between attempts to take over the scheduler lock
OVERDUE_GRACE = 3  # seconds: RQ's scheduler moves due jobs every second while it lives
# seconds the worker's command-channel thread waits for a message before it looks at its stop flag. RQ uses
# 60, and redis-py 8.2's PubSubWorkerThread.stop() joins that thread without a timeout: once the channel is
# unsubscribed the thread sits out the whole wait, so every worker's exit (a burst's end, SIGTERM, a new
# RQ worker after an outage) took a minute. Messages still arrive at once; only the idle wake-up is shorter.
PUBSUB_WAKE_EVERY = 1.0


class SelfHealing:
    """Mixin for RQ worker classes: absorbs Redis outages, re-registers, restarts the scheduler."""

    max_connection_wait_time = 5.0  # cap on RQ's exponential reconnect backoff (its default is 60 s)
    _scheduler_checked = 0.0
    _burst = False

    def work(self, burst=False, *args, **kwargs):
        self._burst = burst  # a burst worker runs the scheduler once at start, never as a process
        return super().work(burst, *args, **kwargs)

    def subscribe(self):
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=PUBSUB_WAKE_EVERY, daemon=True, exception_handler=self._pubsub_exception_handler)

    def heartbeat(self, timeout=None, pipeline=None):
        if pipeline is not None or self.is_horse:  # a work horse has no registration or scheduler of its own
            return super().heartbeat(timeout, pipeline)
        try:
            super().heartbeat(timeout)
            self._heal()
        except OUTAGE as exc:
            # The dequeue loop that follows meets the same outage and backs off; raising here would end work().
            log.warning("worker heartbeat: Redis unreachable (%s)", type(exc).__name__)
        return None

    def _heal(self) -> None:
        if not self.connection.hexists(self.key, "birth"):
            log.warning("Redis lost this worker's registration; registering again")
            with self.connection.pipeline() as pipe:
                pipe.hset(self.key, mapping=self.serialize())
                worker_registration.register(self, pipe)
                pipe.expire(self.key, self.worker_ttl + 60)
                pipe.execute()
        scheduler = self.scheduler
        if scheduler is None or self._burst or (scheduler._process is not None and scheduler._process.is_alive()):
            return
        if time.monotonic() - self._scheduler_checked >= SCHEDULER_CHECK_EVERY:
            self._scheduler_checked = time.monotonic()
            if scheduler.acquire_locks(auto_start=True):
                log.info("scheduler (re)started for %s", ", ".join(sorted(scheduler.acquired_locks)))

    def set_state(self, state, pipeline=None):
        try:
            super().set_state(state, pipeline)
        except OUTAGE:
            if pipeline is not None:
                raise
            self._state = state  # what RQ would have recorded; Redis hears of it at the next change

    def check_for_suspension(self, burst):
        try:
            super().check_for_suspension(burst)
        except OUTAGE as exc:
            log.warning("suspension check: Redis unreachable (%s)", type(exc).__name__)

    def run_maintenance_tasks(self):
        try:
            super().run_maintenance_tasks()
        except OUTAGE as exc:
            log.warning("maintenance skipped: Redis unreachable (%s)", type(exc).__name__)

    def execute_job(self, job, queue):
        try:
            super().execute_job(job, queue)
        except OUTAGE as exc:
            # The job's row is still pending in the database; the sweeper enqueues it again.
            log.warning("job %s interrupted by a Redis outage (%s)", job.id, type(exc).__name__)


class HealingSimpleWorker(SelfHealing, SimpleWorker):
    """RQ's SimpleWorker (jobs in the worker process) with SelfHealing."""


class HealingWorker(SelfHealing, Worker):
    """RQ's forking Worker with SelfHealing."""


def enqueue_overdue(queues: list[Queue], grace: int = OVERDUE_GRACE) -> int:
    """Move jobs scheduled more than GRACE seconds ago onto their queues; returns how many were moved.

    Due retries leave RQ's ScheduledJobRegistry only through the process holding the scheduler lock,
    and a SIGKILLed worker's lock lives on for a minute while its replacement has no scheduler. So every
    worker takes over jobs the scheduler has evidently missed; ZREM lets exactly one of them move each.
    """
    moved = 0
    for queue in queues:
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_jobs_to_schedule(current_timestamp() - grace):
            if not queue.connection.zrem(registry.key, job_id):
                continue  # the scheduler or another worker moved it first
            try:
                job = Job.fetch(job_id, connection=queue.connection, serializer=queue.serializer)
            except NoSuchJobError:
                continue
            queue.enqueue_job(job)
            moved += 1
    if moved:
        log.info("moved %d overdue scheduled jobs onto their queues", moved)
    return moved
