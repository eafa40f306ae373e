"""The complaint office's pages: the case list, intake, the case with its timeline, register and statistics."""

from flask import Blueprint

bp = Blueprint("complaints_office", __name__, url_prefix="/complaints")

from ..web import errors  # noqa: E402,F401
from . import case_views, hotline_views, report_views, routes  # noqa: E402,F401

errors.register(bp)
