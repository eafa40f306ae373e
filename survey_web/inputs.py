"""Staff-page input no database row could match or hold, refused before any query: a 404 or a 400.

Without this, such input reached PostgreSQL or SQLite and failed there: a 500 (an overflowing id on SQLite)
or the "database unavailable" page (PostgreSQL refusing a NUL character or an id past int4), as if the
database were down.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: PostgreSQL's int4 (SQLAlchemy binds them as ::INTEGER, so a larger number is an
# "out of range" error, not an empty result); sqlite3 cannot even bind a Python int past 2**63 - 1.
MAX_ROW_ID = 2**31 - 1
STAFF_BLUEPRINTS = frozenset({"auth", "office", "admin", "dashboard", "commission"})


class RowIdConverter(IntegerConverter):
    """`<int:...>` with an upper bound: a larger number does not match the route, so it is a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def refuse_nul_characters() -> None:
    """400 for a NUL character in a staff page's query string or form: PostgreSQL text cannot hold one, and
    nobody types it."""
    if request.blueprint not in STAFF_BLUEPRINTS:
        return
    for source in (request.args, request.form):
        if any("\x00" in value for _name, value in source.items(multi=True)):
            abort(400)


def init_app(app: Flask) -> None:
    """Bound <int:> ids (before any rule is added: rules bind their converters) and refuse NUL characters."""
    app.url_map.converters["int"] = RowIdConverter
    app.before_request(refuse_nul_characters)
