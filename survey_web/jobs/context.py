"""An app context for job functions, whether they run in a worker, a work horse or in-process."""

from __future__ import annotations

import os
from contextlib import contextmanager

from flask import Flask, has_app_context

_app: Flask | None = None
_pid: int | None = None


def set_worker_app(app: Flask) -> None:
    """The worker command registers its app here before forking, so work horses inherit it."""
    global _app, _pid
    _app, _pid = app, os.getpid()


@contextmanager
def job_context():
    """Push an app context unless one is active; after a fork, drop the parent's pooled connections."""
    global _app, _pid
    if has_app_context():
        yield
        return
    if _app is None:
        from survey_web import create_app

        _app, _pid = create_app(), os.getpid()
    with _app.app_context():
        if _pid != os.getpid():
            from ..extensions import db

            db.engine.dispose(close=False)
            _pid = os.getpid()
        yield
