"""`flask worker`: an RQ worker with the classifier loaded before it forks, plus the sweeper."""

from __future__ import annotations

import logging
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from rq import Worker
from rq.serializers import JSONSerializer

from . import QUEUES, queue, worker_redis
from .context import set_worker_app
from .sweeper import sweep_pending

log = logging.getLogger(__name__)


def _sweep_forever(app, interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            with app.app_context():
                sweep_pending()
        except Exception:  # noqa: BLE001 - the sweeper must outlive a database or Redis blip
            log.exception("sweeper round failed; trying again in %ss", interval)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit.")
@click.option("--queues", "names", default=",".join(QUEUES), show_default=True)
@click.option("--sweep-interval", default=60, show_default=True, help="Seconds between sweeper rounds.")
@with_appcontext
def worker_command(burst: bool, names: str, sweep_interval: int) -> None:
    """Run an RQ worker for this app (needs REDIS_URL)."""
    import analysis

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inside the web process")
    # Loaded once here, then shared by every forked work horse instead of loaded per job.
    model = analysis.load_model()
    click.echo(f"classifier {model.version} loaded")
    app = current_app._get_current_object()
    set_worker_app(app)
    connection = worker_redis(url)
    queues = [queue(name.strip(), connection) for name in names.split(",") if name.strip()]
    sweep_pending()
    stop = threading.Event()
    if not burst:
        threading.Thread(target=_sweep_forever, args=(app, sweep_interval, stop), daemon=True,
                         name="sweeper").start()
    try:
        Worker(queues, connection=connection, serializer=JSONSerializer).work(burst=burst, with_scheduler=True)
    finally:
        stop.set()
