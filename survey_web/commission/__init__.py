"""The health commission's view: several hospitals (a 医联体 or a city) side by side."""

from flask import Blueprint

from ..reporting.format import template_helpers

bp = Blueprint("commission", __name__, url_prefix="/commission")
bp.context_processor(template_helpers)

from . import routes  # noqa: E402,F401
