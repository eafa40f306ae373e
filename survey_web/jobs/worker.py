"""`flask worker`: an RQ worker with the classifier loaded once, plus the sweeper.

By default jobs run in the worker process itself (RQ's SimpleWorker). Forking a work horse per job
(`--fork`, RQ's default Worker) costs about 150 ms per job on a 2-core machine: at 20 comments/s one
forking worker falls behind (measured p50 submit-to-classified 11.8 s, against 14 ms without forking;
see the README). Classification is pure Python on text, so the isolation a fork buys is small; a
crashed worker is restarted by its supervisor and the sweeper re-enqueues whatever it held.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable

import click
from flask.cli import ScriptInfo
from redis import Redis
from rq.exceptions import StopRequested
from rq.serializers import JSONSerializer

from . import QUEUES, queue, worker_redis
from .context import job_context, set_worker_app
from .healing import OUTAGE, WORKER_TTL, HealingSimpleWorker, HealingWorker, enqueue_overdue
from .sweeper import sweep_pending

log = logging.getLogger(__name__)


TICK_EVERY = 600  # seconds between checks for due monthly problem lists and ledger reminders
RESCUE_EVERY = 2  # seconds between looks for scheduled retries that no scheduler moved
PURGE_EVERY = 3600  # seconds between retention purges (free text, contacts, device-hash keys)


def _every(interval: float, stop: threading.Event, name: str, step: Callable[[], None]) -> None:
    """Run STEP every INTERVAL seconds on a daemon thread until STOP; a failed round is logged, not fatal."""
    def loop():
        while not stop.wait(interval):
            try:
                step()
            except OUTAGE as exc:  # the worker's own loop reports the outage; one line here is enough
                log.warning("%s round skipped: Redis unreachable (%s)", name, type(exc).__name__)
            except Exception:  # noqa: BLE001 - housekeeping must outlive a database or Redis blip
                log.exception("%s round failed; trying again in %ss", name, interval)

    threading.Thread(target=loop, daemon=True, name=name).start()


def _sweeper(tick_every: int = TICK_EVERY, purge_every: int = PURGE_EVERY) -> Callable[[], None]:
    from .campaigns import enqueue_sends
    from .complaints import sweep_pending_cases
    from .complaints import tick as complaints_tick
    from .problems import tick
    from .reporting import enqueue_warming
    from .retention import enqueue_purge

    last_tick = [0.0]
    last_purge = [float("-inf")]  # due at once (monotonic time may start near zero at boot)

    def step():
        with job_context():  # a fresh session each round: a dead connection never outlives its round
            sweep_pending()
        with job_context():
            sweep_pending_cases()
        with job_context():
            enqueue_sends()  # due follow-up messages, and the claims of a worker that died
        if time.monotonic() - last_tick[0] >= tick_every:
            last_tick[0] = time.monotonic()
            with job_context():
                tick()  # idempotent: a unique constraint lets one worker create each month's list
            with job_context():
                complaints_tick()  # idempotent: reminders and escalations are claimed once each
            with job_context():
                enqueue_warming()  # the indicator cache after a day or month closed, or an import
        if time.monotonic() - last_purge[0] >= purge_every:
            last_purge[0] = time.monotonic()
            with job_context():
                enqueue_purge()  # idempotent: whatever is past its period goes, once

    return step


def _wait_for_redis(connection: Redis, stop: threading.Event) -> None:
    """Block until Redis answers, backing off from 0.5 s to 5 s between tries."""
    wait = 0.5
    while not stop.is_set():
        try:
            connection.ping()
            return
        except OUTAGE:
            log.warning("Redis unreachable; trying again in %.1f s", wait)
            stop.wait(wait)
            wait = min(wait * 2, 5.0)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit.")
@click.option("--fork", is_flag=True, help="Fork a work horse per job (RQ's default Worker).")
@click.option("--queues", "names", default=",".join(QUEUES), show_default=True)
@click.option("--sweep-interval", default=15, show_default=True, help="Seconds between sweeper rounds.")
@click.pass_context
def worker_command(ctx: click.Context, burst: bool, fork: bool, names: str, sweep_interval: int) -> None:
    """Run an RQ worker for this app (needs REDIS_URL)."""
    import analysis

    app = ctx.ensure_object(ScriptInfo).load_app()
    url = app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inside the web process")
    # Loaded once, before any fork: work horses share it instead of paying seconds per job.
    model = analysis.load_model()
    click.echo(f"classifier {model.version} loaded")
    set_worker_app(app)
    connection = worker_redis(url)
    queues = [queue(name.strip(), connection) for name in names.split(",") if name.strip()]
    stop = threading.Event()
    _wait_for_redis(connection, stop)
    try:
        with job_context():
            sweep_pending()
    except Exception:  # noqa: BLE001 - e.g. the database is restarting; the sweeper thread tries again
        log.exception("first sweep failed")
    if not burst:
        _every(sweep_interval, stop, "sweeper", _sweeper())
        _every(RESCUE_EVERY, stop, "retries", lambda: enqueue_overdue(queues))
    worker_class = HealingWorker if fork else HealingSimpleWorker
    try:
        # Flask's CLI holds an app context for this whole process; each job pushes its own context and
        # session on top of it (jobs/context.py), so a database error never outlives its job.
        while not stop.is_set():
            try:
                worker = worker_class(queues, connection=connection, serializer=JSONSerializer,
                                      worker_ttl=WORKER_TTL)
                worker.work(burst=burst, with_scheduler=True)
                if burst or worker._stop_requested or worker._shutdown_requested_date is not None:
                    break
            except OUTAGE as exc:  # RQ's start-up or teardown met the outage; this process carries on
                log.warning("worker loop ended by a Redis outage (%s)", type(exc).__name__)
            for signum in (signal.SIGTERM, signal.SIGINT):  # RQ's handlers expect a running worker
                signal.signal(signum, lambda *_: stop.set())
            stop.wait(1)
            _wait_for_redis(connection, stop)  # a new RQ worker, same process: registration and scheduler anew
    except StopRequested:
        pass
    finally:
        stop.set()
