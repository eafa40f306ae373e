"""Keeping bots and repeat submissions out without shutting out a ward that shares one Wi-Fi address."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import current_app, request
from limits import parse
from limits.storage import RedisStorage
from sqlalchemy import Exists, bindparam, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from . import jobs
from .extensions import db, limiter
from .models import KioskDevice, RefusalCount, Response, utcnow

log = logging.getLogger(__name__)

DEVICE_COOKIE = "did"
KIOSK_COOKIE = "kiosk"
DEVICE_MAX_AGE = 400 * 86400
# KEYS are fixed-window counters, ARGV their windows in seconds; returns every counter after one more hit.
HIT_WINDOWS = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call("incr", key)
  if counts[i] == 1 then redis.call("expire", key, ARGV[i]) end
end
return counts
"""


def device_id() -> str | None:
    """The random id this browser carries in its cookie, if any."""
    value = request.cookies.get(DEVICE_COOKIE)
    return value if value and 16 <= len(value) <= 64 else None


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def set_device_cookie(response, value: str) -> None:
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax", secure=secure)


def device_hash(value: str | None) -> str | None:
    """A keyed hash of the device id: stored instead of the id, so the table cannot be replayed."""
    if not value:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"device:" + value.encode(), hashlib.sha256).hexdigest()


def registered_kiosk() -> KioskDevice | None:
    """The kiosk this browser was enrolled as, unless it has been revoked or its cookie's life ran out."""
    hashed = device_hash(request.cookies.get(KIOSK_COOKIE))
    if not hashed:
        return None
    return db.session.scalar(
        select(KioskDevice).where(KioskDevice.device_hash == hashed, KioskDevice.revoked_at.is_(None),
                                  KioskDevice.device_expires_at > utcnow())
    )


def recent_answer(point_id) -> Exists:
    """SQL that is true if the device bound as "device" answered at POINT_ID (an id or a column) since "since".

    The values come from `recent_answer_params`, so a statement using this can be built once.
    """
    return exists().where(Response.device_hash == bindparam("device"), Response.point_id == point_id,
                          Response.submitted_at >= bindparam("since"))


def recent_answer_params(hashed_device: str | None) -> dict:
    """The parameters of `recent_answer` for this device and the configured window (none: nothing matches)."""
    hours = current_app.config["DUPLICATE_WINDOW_HOURS"]
    return {"device": hashed_device if hours > 0 else None, "since": utcnow() - timedelta(hours=max(hours, 0))}


def over_rate_limit(point_token: str) -> bool:
    """Per-point limit (tight) and per-address limit (loose: a whole ward may share one address).

    A limiter storage outage lets submissions through: losing patients' answers is worse than a bot.
    """
    connection = jobs.redis_connection()
    try:
        checks = (
            (parse(current_app.config["RATE_LIMIT_POINT"]), ("survey-point", point_token)),
            (parse(current_app.config["RATE_LIMIT_IP"]), ("survey-ip", request.remote_addr or "-")),
        )
        if connection is None:  # embedded mode: one process, the limiter's memory storage
            return not all(limiter.limiter.hit(rate, *keys) for rate, keys in checks)
        return not _hit_in_redis(connection, checks)
    except Exception as exc:  # noqa: BLE001 - any storage failure must fail open
        log.warning("rate limit storage unavailable: %s", type(exc).__name__)
        return False


@functools.lru_cache(maxsize=8)  # a process has one web-tier client; tests make a few
def _hit_script(connection):
    """HIT_WINDOWS registered once per Redis client (it is sent by its SHA1 after the first call)."""
    return connection.register_script(HIT_WINDOWS)


def _hit_in_redis(connection, checks) -> bool:
    """Count one hit on every fixed window of CHECKS in one round trip; True if all are within their limit.

    The limits library's keys and arithmetic (its Redis storage's incr_expire script), for all windows in
    one script call instead of one call each.
    """
    keys = [f"{RedisStorage.PREFIX}:{rate.key_for(*identifiers)}" for rate, identifiers in checks]
    counts = _hit_script(connection)(keys=keys, args=[rate.get_expiry() for rate, _ in checks])
    return all(count <= rate.amount for count, (rate, _) in zip(counts, checks, strict=True))


def count_refusal(point_id: int, reason: str) -> None:
    """Add one to today's refusal counter for POINT_ID and REASON (an upsert, safe under concurrency)."""
    day = utcnow().date()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(RefusalCount).values(point_id=point_id, day=day, reason=reason, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["point_id", "day", "reason"], set_={"count": RefusalCount.count + 1}
    )
    try:
        db.session.execute(stmt)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not count a %s refusal for point %s", reason, point_id)
