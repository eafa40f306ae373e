"""Office dashboards: a month at a glance, the responses behind any figure, the half-year summary."""

from flask import Blueprint

from ..reporting.format import template_helpers

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.context_processor(template_helpers)

from . import drill, reports, routes, staff_views  # noqa: E402,F401
