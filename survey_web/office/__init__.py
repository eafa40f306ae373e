"""Office review: comments, the urgent inbox and the monthly problem list (整改问题清单) with its ledger."""

from flask import Blueprint

from ..models import problems as _problem_models  # noqa: F401 - the office's tables join the metadata
from ..models import review as _review_models  # noqa: F401

bp = Blueprint("office", __name__, url_prefix="/office")

# Defaults; create_app's config (or a test) may override them.
DEFAULTS = {
    "URGENT_ACK_HOURS": 4,        # an urgent comment not acknowledged within this many hours is highlighted
    "PROBLEM_REMIND_DAYS": 7,     # overdue items get a reminder at most this often
}


@bp.record_once
def _defaults(state) -> None:
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)


from . import comment_views, errors, item_views, list_views, routes, urgent_views  # noqa: E402,F401

errors.register(bp)
