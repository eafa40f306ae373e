"""The end of a staff form's POST: save, say so, go to the page that shows the result."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, flash, make_response, redirect, url_for

from ..extensions import db


def back(message: str, endpoint: str, anchor: str = "", **values):
    """Flash MESSAGE and redirect to ENDPOINT (with VALUES, then ANCHOR)."""
    flash(message)
    return redirect(url_for(endpoint, **values) + anchor)


def saved(message: str, endpoint: str, anchor: str = "", **values):
    """Commit the session, then `back`."""
    db.session.commit()
    return back(message, endpoint, anchor, **values)


def refuse(page) -> NoReturn:
    """Stop the view and answer with PAGE (a response, or a rendered page and its status): e.g. the form
    shown again with its errors, from a helper that checks it."""
    abort(make_response(page))
