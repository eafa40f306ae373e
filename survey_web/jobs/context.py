"""An app context for job functions, whether they run in a worker, a work horse or in-process."""

from __future__ import annotations

import os
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

from ..dbsession import discard_session

_app: Flask | None = None
_pid: int | None = None


def set_worker_app(app: Flask) -> None:
    """The worker command registers its app here before forking, so work horses inherit it."""
    global _app, _pid
    _app, _pid = app, os.getpid()


def _job_app() -> Flask:
    global _app, _pid
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _app is None:
        from survey_web import create_app

        _app, _pid = create_app(), os.getpid()
    return _app


@contextmanager
def job_context():
    """A fresh app context and session for one job, rolled back and removed whatever happens.

    Always a new context, even inside another: Flask's CLI holds one app context for the whole
    `flask worker` process, and Flask-SQLAlchemy scopes sessions by app context, so reusing it would
    share one session across jobs, and after one database error every later job would fail on it.
    After a fork the parent's pooled connections are dropped, not closed (they belong to the parent).
    """
    global _pid
    app = _job_app()
    with app.app_context():
        if _pid is not None and _pid != os.getpid():
            from ..extensions import db

            db.engine.dispose(close=False)
            _pid = os.getpid()
        try:
            yield
        finally:
            discard_session()
