"""Device cookies are hashed with a random key of the day, so one phone's responses of different days
cannot be linked; the duplicate rule checks today's and the previous days' hashes within its window."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import DeviceKey, utcnow

# Keys of past days, per process: a key never changes once made, so reading it once is enough.
_cache: dict[tuple[str, date], str] = {}


def window_days() -> int:
    """How many days' keys the duplicate window spans: today and enough days back to cover it."""
    hours = max(current_app.config["DUPLICATE_WINDOW_HOURS"], 0)
    return -(-hours // 24) + 1 if hours else 1


def key_of(day: date) -> str:
    """The key of DAY, made by the first process that needs it (a race is settled by the primary key)."""
    cache_key = (current_app.config["SQLALCHEMY_DATABASE_URI"], day)
    if cache_key in _cache:
        return _cache[cache_key]
    secret = db.session.scalar(select(DeviceKey.secret).where(DeviceKey.day == day))
    if secret is None:
        insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        db.session.execute(insert(DeviceKey).values(day=day, secret=secrets.token_hex(32), created_at=utcnow())
                           .on_conflict_do_nothing(index_elements=["day"]))  # another process may be first
        secret = db.session.scalar(select(DeviceKey.secret).where(DeviceKey.day == day))
    db.session.commit()  # ends the transaction: the submit path wants a fresh session after this
    _cache[cache_key] = secret
    return secret


def hashes(device_id: str | None, today: date | None = None) -> list[str]:
    """The device id hashed with today's key, then with each earlier day's key the duplicate window spans."""
    if not device_id:
        return []
    today = today or utcnow().date()
    return [hmac.new(key_of(today - timedelta(days=back)).encode(), b"device:" + device_id.encode(),
                     hashlib.sha256).hexdigest() for back in range(window_days())]


def clear_cache() -> None:
    """Forget the keys read so far (after the tables were emptied behind this process's back, in tests)."""
    _cache.clear()


def forget_old(today: date) -> int:
    """Delete the keys no duplicate check needs any more; returns how many went."""
    oldest_needed = today - timedelta(days=window_days() - 1)
    result = db.session.execute(delete(DeviceKey).where(DeviceKey.day < oldest_needed))
    for cache_key in [k for k in _cache if k[1] < oldest_needed]:
        _cache.pop(cache_key, None)
    return result.rowcount or 0
