"""Staff sign-in: Flask-Login, argon2id, TOTP, sessions that end, rate-limited attempts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from ..accounts.sessions import check_session  # noqa: E402
from . import account_views, routes  # noqa: E402,F401

bp.before_app_request(check_session)
