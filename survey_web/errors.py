"""Every error a person can meet gets a designed page in their language, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from sqlalchemy.exc import SQLAlchemyError

from .dbsession import discard_session

log = logging.getLogger(__name__)


# status -> (template, its arguments): the pages a person meets for a refused or broken request.
PAGES = {
    400: ("errors/bad_request.html", {}),
    403: ("errors/forbidden.html", {}),
    404: ("errors/not_found.html", {}),
    405: ("errors/not_found.html", {}),
    413: ("errors/bad_request.html", {"too_large": True}),
    429: ("errors/busy.html", {}),
    500: ("errors/server_error.html", {}),
}


def init_app(app: Flask) -> None:
    for code, (template, context) in PAGES.items():
        def page(_error, code=code, template=template, context=context):
            return render_template(template, **context), code
        app.register_error_handler(code, page)

    @app.errorhandler(SQLAlchemyError)
    def database_down(error):
        discard_session()
        log.error("database error: %s", type(error).__name__)
        return render_template("errors/unavailable.html"), 503
