"""Every error a person can meet gets a designed page in their language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from sqlalchemy.exc import SQLAlchemyError

from .dbsession import discard_session

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return render_template("errors/not_found.html"), 404

    @app.errorhandler(403)
    def forbidden(_error):
        return render_template("errors/forbidden.html"), 403

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("errors/not_found.html"), 405

    @app.errorhandler(400)
    def bad_request(_error):
        return render_template("errors/bad_request.html"), 400

    @app.errorhandler(413)
    def too_large(_error):
        return render_template("errors/bad_request.html", too_large=True), 413

    @app.errorhandler(429)
    def too_many(_error):
        return render_template("errors/busy.html"), 429

    @app.errorhandler(SQLAlchemyError)
    def database_down(error):
        discard_session()
        log.error("database error: %s", type(error).__name__)
        return render_template("errors/unavailable.html"), 503

    @app.errorhandler(500)
    def server_error(_error):
        return render_template("errors/server_error.html"), 500
