"""The session's end, made safe: a rollback on a connection the database has dropped never raises.

A PostgreSQL restart, failover or pooler reset kills pooled connections. The first statement on one
fails and SQLAlchemy invalidates the pool; but the rollback when a request or job ends also runs on the
dead connection, and there it would escape every error handler (gunicorn's bare 500 for a page that
had already rendered, and a wedged session in a long-lived worker).
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)


def discard_session() -> None:
    """Close and forget the current session (rolling its transaction back), even on a dropped connection."""
    try:
        db.session.remove()
    except SQLAlchemyError as exc:
        # The failed rollback invalidated the connection; a second close only forgets the session, which
        # would otherwise stay registered, broken, under this context's id.
        log.warning("rollback on a dropped connection: %s", type(exc).__name__)
        db.session.remove()


def init_app(app: Flask) -> None:
    """End every app context with a safe rollback, ahead of Flask-SQLAlchemy's own session removal."""
    # Registered after db.init_app, so it runs first: teardown functions run in reverse order.
    app.teardown_appcontext(lambda _exc: discard_session())
