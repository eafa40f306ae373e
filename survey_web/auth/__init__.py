"""Staff sign-in: Flask-Login, argon2id, a new session on every login, rate-limited attempts."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401
