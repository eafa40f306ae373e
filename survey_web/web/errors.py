"""Staff-styled error pages for the office and admin blueprints (the default ones speak to patients)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

PAGES = {
    403: (_l("Not allowed"), _l("Your role cannot open this page or make this change.")),
    404: (_l("Not found"), _l("This record does not exist, or it is outside what you may see.")),
    409: (_l("Not possible now"), _l("The record has moved on since the page was opened; please reload it.")),
}


def register(bp: Blueprint) -> None:
    """Render 403, 404 and 409 raised in BP's views as staff pages."""
    for code, (title, text) in PAGES.items():
        def handler(_error, code=code, title=title, text=text):
            return render_template("office/error.html", title=title, text=text), code
        bp.register_error_handler(code, handler)
