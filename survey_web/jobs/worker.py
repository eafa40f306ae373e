"""`flask worker`: an RQ worker with the classifier loaded once, plus the sweeper.

By default jobs run in the worker process itself (RQ's SimpleWorker). Forking a work horse per job
(`--fork`, RQ's default Worker) costs about 150 ms per job on a 2-core machine: at 20 comments/s one
forking worker falls behind (measured p50 submit-to-classified 11.8 s, against 14 ms without forking;
see the README). Classification is pure Python on text, so the isolation a fork buys is small; a
crashed worker is restarted by its supervisor and the sweeper re-enqueues whatever it held.
"""

from __future__ import annotations

import logging
import threading
import time

import click
from flask.cli import ScriptInfo
from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from . import QUEUES, queue, worker_redis
from .context import set_worker_app
from .sweeper import sweep_pending

log = logging.getLogger(__name__)


TICK_EVERY = 600  # seconds between checks for due monthly problem lists and ledger reminders
PURGE_EVERY = 3600  # seconds between retention purges (free text, contacts, device-hash keys)


def _sweep_forever(app, interval: int, stop: threading.Event) -> None:
    from ..office.jobs import tick
    from .retention import enqueue_purge

    last_tick = last_purge = float("-inf")  # both due at once (monotonic time may start near zero at boot)
    while not stop.wait(interval):
        try:
            with app.app_context():
                sweep_pending()
                if time.monotonic() - last_tick >= TICK_EVERY:
                    last_tick = time.monotonic()
                    tick()  # idempotent: a unique constraint lets one worker create each month's list
                if time.monotonic() - last_purge >= PURGE_EVERY:
                    last_purge = time.monotonic()
                    enqueue_purge()  # idempotent: whatever is past its period goes, once
        except Exception:  # noqa: BLE001 - the sweeper must outlive a database or Redis blip
            log.exception("sweeper round failed; trying again in %ss", interval)


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
    with app.app_context():
        sweep_pending()
    stop = threading.Event()
    if not burst:
        threading.Thread(target=_sweep_forever, args=(app, sweep_interval, stop), daemon=True,
                         name="sweeper").start()
    worker_class = Worker if fork else SimpleWorker
    try:
        # No app context is held here: each job pushes its own (jobs/context.py), so sessions never leak.
        worker_class(queues, connection=connection, serializer=JSONSerializer).work(burst=burst, with_scheduler=True)
    finally:
        stop.set()
