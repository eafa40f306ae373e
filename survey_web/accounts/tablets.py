"""Volunteer tablets (kiosks): enrolment links, the tablet cookie's bounded life, revocation, settings.

A tablet is enrolled by opening a link an administrator made and confirming with a POST (a link
previewer's GET spends nothing). It then holds a random secret in an HttpOnly cookie limited to
/kiosk/; the database keeps only a keyed hash of it. The cookie lives KIOSK_DEVICE_DAYS after the last
time a volunteer used the tablet, and revoking ends it at once. The cookie alone records nothing:
every interview also needs a volunteer signed in on the tablet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from ..extensions import db
from ..models import KioskDevice, User, utcnow
from ..responses import guard

COOKIE_PATH = "/kiosk/"
MIN_TOKEN = 16


def _enrol_expiry(hours: int | None):
    return utcnow() + timedelta(hours=hours or current_app.config["KIOSK_ENROL_HOURS"])


def create(name: str, hours: int | None = None) -> tuple[KioskDevice, str]:
    """A new tablet NAME awaiting enrolment, and its one-time link token (valid HOURS, default from config)."""
    device = KioskDevice(name=name, idle_seconds=current_app.config["KIOSK_IDLE_SECONDS"])
    token = new_link(device, hours)
    db.session.add(device)
    return device, token


def new_link(device: KioskDevice, hours: int | None = None) -> str:
    """Give DEVICE a fresh enrolment link token (the previous one stops working)."""
    token = secrets.token_urlsafe(24)
    device.enrol_token = token
    device.enrol_expires_at = _enrol_expiry(hours)
    return token


def enrol_url(token: str) -> str:
    """The full address of an enrolment link (under PUBLIC_BASE_URL, as QR codes are)."""
    return current_app.config["PUBLIC_BASE_URL"] + url_for("kiosk.enrol", token=token)


def _link_query(token: str):
    return select(KioskDevice).where(KioskDevice.enrol_token == token, KioskDevice.revoked_at.is_(None))


def link_state(token: str) -> tuple[str, KioskDevice | None]:
    """('valid' | 'expired' | 'unknown', the tablet) for an enrolment link token."""
    if len(token) < MIN_TOKEN:
        return "unknown", None
    device = db.session.scalar(_link_query(token))
    if device is None:
        return "unknown", None
    fresh = db.session.scalar(_link_query(token).where(KioskDevice.enrol_expires_at > utcnow()))
    return ("valid", device) if fresh is not None else ("expired", device)


def enrol(token: str) -> tuple[KioskDevice, str] | None:
    """Spend an unexpired link: the tablet and the cookie secret to hand to the browser, or None."""
    state, device = link_state(token)
    if state != "valid":
        return None
    secret = secrets.token_urlsafe(24)
    now = utcnow()
    # A conditional update claims the link, so two browsers cannot both use it.
    claimed = db.session.execute(
        update(KioskDevice).where(KioskDevice.id == device.id, KioskDevice.enrol_token == token,
                                  KioskDevice.enrol_expires_at > now, KioskDevice.revoked_at.is_(None))
        .values(enrol_token=None, enrol_expires_at=None, device_hash=guard.device_hash(secret),
                enrolled_at=now, device_expires_at=now + timedelta(days=current_app.config["KIOSK_DEVICE_DAYS"]))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    db.session.refresh(device)
    return device, secret


def set_cookie(response, secret: str) -> None:
    """The tablet's cookie: HttpOnly, only sent to /kiosk/, and no longer-lived than the server allows."""
    response.set_cookie(guard.KIOSK_COOKIE, secret, max_age=current_app.config["KIOSK_DEVICE_DAYS"] * 86400,
                        path=COOKIE_PATH, httponly=True, samesite="Strict",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


def renew(device: KioskDevice) -> bool:
    """A volunteer is using DEVICE: push its expiry KIOSK_DEVICE_DAYS ahead (at most once an hour).

    Returns True when the browser's cookie should be sent again with the new lifetime.
    """
    days = current_app.config["KIOSK_DEVICE_DAYS"]
    now = utcnow()
    renewed = db.session.execute(
        update(KioskDevice).where(KioskDevice.id == device.id, KioskDevice.revoked_at.is_(None),
                                  KioskDevice.device_expires_at < now + timedelta(days=days, hours=-1))
        .values(device_expires_at=now + timedelta(days=days), last_seen_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(renewed)


def revoke(device: KioskDevice) -> None:
    """Stop DEVICE at once: its cookie and any unused link no longer count (the caller commits)."""
    device.revoked_at = utcnow()
    device.enrol_token = None
    device.enrol_expires_at = None


def state(device: KioskDevice) -> str:
    """'revoked', 'enrolled', 'expired' (the cookie ran out), 'awaiting' (a link is out) or 'no_link'."""
    if device.revoked_at is not None:
        return "revoked"
    now = utcnow()
    if device.device_hash:
        return "enrolled" if _aware(device.device_expires_at) > now else "expired"
    if device.enrol_token:
        return "awaiting" if _aware(device.enrol_expires_at) > now else "no_link"
    return "no_link"


def _aware(moment):
    """SQLite gives timestamps back without their zone; every stored timestamp is UTC."""
    if moment is None:
        return utcnow() - timedelta(seconds=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def outbox_key(device: KioskDevice, user: User) -> tuple[str, str]:
    """The AES key (base64) that encrypts USER's interviews in DEVICE's outbox, and its public id.

    Derived from the server secret, so it is the same each time the volunteer signs in on that tablet
    (their queued interviews can still be sent) and no other volunteer or tablet can obtain it.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    label = f"kiosk-outbox:{device.id}:{user.id}".encode()
    key = hmac.new(secret, label, hashlib.sha256).digest()
    key_id = hashlib.sha256(b"id:" + key).hexdigest()[:16]
    return base64.b64encode(key).decode(), key_id
