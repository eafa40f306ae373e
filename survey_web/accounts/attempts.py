"""Sign-in attempt limits: per username and per client address, counted atomically, audited.

Every attempt is counted *before* the password is checked, in one increment per limit (Redis INCR), so
concurrent attempts cannot all pass a check made before any of them was counted (checking first and
counting failures after let 8 of 25 parallel guesses through a limit of 5).
"""

from __future__ import annotations

import logging

from flask import current_app, request
from limits import parse

from .. import audit
from ..extensions import limiter

log = logging.getLogger(__name__)
# A lock-out is written to the audit log once per username per minute, not once per refused attempt.
LOCKOUT_AUDIT = parse("1/minute")


def _limits(username: str) -> list[tuple]:
    config = current_app.config
    return [(parse(config.get("LOGIN_LIMIT_USER", "5/minute")), ("login-user", username)),
            (parse(config.get("LOGIN_LIMIT_IP", "30/minute")), ("login-ip", request.remote_addr))]


def allow(username: str) -> bool:
    """Count one sign-in attempt for USERNAME from this address; False if a limit is now exceeded."""
    try:
        # A list, not a generator: every limit counts the attempt even when the first is exceeded.
        return all([limiter.limiter.hit(rate, *keys) for rate, keys in _limits(username)])
    except Exception:  # noqa: BLE001 - a limiter outage must not lock staff out
        log.warning("login limiter storage unavailable")
        return True


def record_lockout(username: str, user_id: int | None) -> None:
    """Audit a refused attempt, at most once a minute per username (the caller commits)."""
    try:
        first = limiter.limiter.hit(LOCKOUT_AUDIT, "login-locked", username)
    except Exception:  # noqa: BLE001
        first = True
    if first:
        audit.record("login_locked", "user", user_id, after={"username": username})


def record_failure(username: str, user_id: int | None, step: str = "password") -> None:
    """Audit a failed sign-in (the name as typed, never the password; the caller commits)."""
    audit.record("login_failed", "user", user_id, after={"username": username, "step": step})
