"""Office review: comments, the urgent inbox and the monthly problem list (整改问题清单) with its ledger."""

from flask import Blueprint

bp = Blueprint("office", __name__, url_prefix="/office")

from ..web import errors  # noqa: E402,F401
from . import comment_views, finding_views, item_views, list_views, routes, urgent_views  # noqa: E402,F401

errors.register(bp)
