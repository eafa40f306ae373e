"""Administration: staff accounts and the read-only audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from ..web import errors  # noqa: E402
from . import routes, tablets  # noqa: E402,F401

errors.register(bp)
