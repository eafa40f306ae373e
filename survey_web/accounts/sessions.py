"""How long a staff session lives.

Sign-out ends the session everywhere: it bumps the user's session version, which is part of the id in the
cookie, so a copied cookie no longer loads anyone. A session also ends after SESSION_IDLE_MINUTES without
a request and PERMANENT_SESSION_LIFETIME (12 h) after sign-in, whatever the browser does with the cookie.
"""

from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..models import User

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
SECOND_FACTOR = "_second_factor"
# Refreshing the idle clock re-issues the cookie; once a minute is precise enough.
SEEN_RESOLUTION = 60


def now() -> int:
    return int(time.time())


def begin(user: User, second_factor: bool = False) -> None:
    """Start a fresh session for USER (no fixation: nothing of the anonymous session survives)."""
    session.clear()
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = now()
    session[SECOND_FACTOR] = second_factor


def renew(user: User) -> None:
    """Keep this session signed in after USER's session version changed (e.g. a new password)."""
    login_user(user)


def end_everywhere(user: User) -> None:
    """Sign USER out of this session and every other one; the caller commits."""
    user.session_version += 1
    logout_user()
    session.clear()


def needs_second_factor(user: User) -> bool:
    """True if USER's role must sign in with a TOTP code, or USER chose to."""
    return user.role in current_app.config.get("TWO_FACTOR_ROLES", ()) or user.totp_secret is not None


def _expired() -> bool:
    started, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    current = now()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return current - seen > idle or current - started > lifetime


def check_session() -> None:
    """Before each request: end a signed-in session that is idle, too old or lacks a required second factor."""
    if "_user_id" not in session or request.endpoint == "static":
        return
    user = current_user._get_current_object()
    missing_factor = user.is_authenticated and needs_second_factor(user) and not session.get(SECOND_FACTOR)
    if _expired() or missing_factor:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please sign in again."))
        return
    if now() - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = now()
