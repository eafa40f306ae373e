"""Staff sign-in: Flask-Login, argon2id, TOTP, sessions that end, rate-limited attempts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account_views, routes  # noqa: E402,F401
from .sessions import check_session  # noqa: E402

bp.before_app_request(check_session)
