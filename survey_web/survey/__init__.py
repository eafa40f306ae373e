"""The respondent's survey, opened from a QR code."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("survey", __name__)
# The form checks its own CSRF token during validation, so a stale token re-renders the answers
# with a message instead of failing before the view can keep them.
csrf.exempt(bp)

from . import followup_views, receipt_views, routes, staff_views  # noqa: E402,F401
