"""Keeping bots and repeat submissions out without shutting out a ward that shares one Wi-Fi address."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from limits import parse, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Exists, bindparam, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from question_banks import Bank

from .. import banks, i18n
from ..extensions import db, limiter
from ..models import KioskDevice, RefusalCount, Response, utcnow
from .forms import SurveyForm, build_form
from .service import FormClaims

log = logging.getLogger(__name__)

DEVICE_COOKIE = "did"
KIOSK_COOKIE = "kiosk"
DEVICE_MAX_AGE = 400 * 86400
# A form token counts once: its key is marked spent (a counter in the limits storage) when admitted.
SPENT_PREFIX = "survey-form-spent:"
ADMITTED, SPENT, LIMITED = "admitted", "spent", "limited"
# Outcomes of `screen`: why a survey form's POST is not stored (yet).
STALE, RESENT, SWITCH, TAMPERED, HONEYPOT, INVALID, EMPTY, TOO_FAST = (
    "stale", "resent", "switch", "tampered", "honeypot", "invalid", "empty", "too_fast")


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
    """A keyed hash of a kiosk's cookie: stored instead of the cookie, so the table cannot be replayed.

    Respondents' phones are hashed with a key of the day instead (`privacy.device_keys`)."""
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
    """SQL that is true if one of the device hashes bound as "devices" answered at POINT_ID (an id or a
    column) since "since".

    The values come from `recent_answer_params`, so a statement using this can be built once.
    """
    return exists().where(Response.device_hash.in_(bindparam("devices", expanding=True)),
                          Response.point_id == point_id, Response.submitted_at >= bindparam("since"))


def recent_answer_params(hashed_devices: list[str]) -> dict:
    """The parameters of `recent_answer` for this device's hashes (one per day key of the window) and the
    configured window (none: nothing matches)."""
    hours = current_app.config["DUPLICATE_WINDOW_HOURS"]
    return {"devices": hashed_devices if hours > 0 else [],
            "since": utcnow() - timedelta(hours=max(hours, 0))}


@dataclass(frozen=True)
class Screened:
    """A survey form's POST after `screen`: the form and claims to go on with, or to show again."""

    form: SurveyForm | None  # None only for an outcome of the caller's `repeat` check
    claims: FormClaims
    outcome: str | None = None  # None: it passed every check
    status: int = 200
    notice: str | None = None


def screen(claims: FormClaims | None, *, fits: Callable[[FormClaims], bool],
           fresh: Callable[[], tuple[Bank, FormClaims]], repeat: Callable[[FormClaims], str | None] | None = None,
           count_at: int | None = None) -> Screened:
    """The checks every survey form's POST passes before it is stored, in one order (the patient survey,
    the follow-up invitation and the staff survey):

    the form token's CLAIMS missing or not FITting this page (STALE: the answers again, under FRESH's bank
    and claims); the caller's REPEAT check (its non-None answer is the outcome, e.g. RESENT for a key
    stored already); a language or text-size switch; CSRF; the honeypot (HONEYPOT: show the thanks page);
    validation; an empty form; too quick a submission (the claims come back confirmable). Refusals are
    counted against the point COUNT_AT, if given.
    """
    if claims is None or not fits(claims):
        bank, claims = fresh()
        _count(count_at, TAMPERED)
        form = build_form(bank, i18n.current(), formdata=request.form)
        return Screened(form, claims, STALE, 400, _(
            "This page had expired or was altered. Your answers are still here: please check them and submit again."))
    if repeat is not None and (outcome := repeat(claims)) is not None:
        return Screened(None, claims, outcome)
    form = build_form(banks.for_version(claims.version_id), i18n.current(), formdata=request.form)
    if request.form.get("switch"):
        # The language or text-size switch: the same page in the new language or size, answers as given.
        return Screened(form, claims, SWITCH)
    valid = form.validate()
    if form.csrf_token.errors:
        _count(count_at, TAMPERED)
        return Screened(form, claims, TAMPERED, 400, _(
            "This page had expired. Your answers are still here: please submit again."))
    if form.website.data:
        _count(count_at, HONEYPOT)
        return Screened(form, claims, HONEYPOT)
    if not valid:
        return Screened(form, claims, INVALID, 422, _("Please check the questions marked below."))
    if not form.answered_anything():
        _count(count_at, EMPTY)
        return Screened(form, claims, EMPTY, 422, _(
            "The survey is still empty. Please answer at least one question before submitting."))
    if not claims.confirmed and time.time() - claims.started < current_app.config["MIN_FILL_SECONDS"]:
        _count(count_at, TOO_FAST)
        return Screened(form, claims.confirmable(), TOO_FAST, 422, _(
            "That was quick, so your answers have not been saved yet. They are all still below: check them if "
            "you like, then tap 'Submit my answers'."))
    return Screened(form, claims)


def _count(point_id: int | None, reason: str) -> None:
    if point_id is not None:
        count_refusal(point_id, reason)


def admit(point_token: str, form_key: str, spent_for: int) -> str:
    """Count one valid submission against the per-point (tight) and per-address (loose) limits.

    Called only once a submission has passed every other check, so refused or replayed forms never use
    up a point's quota. Returns SPENT (nothing counted) when the form token FORM_KEY was admitted before:
    a form token counts once, however often it is replayed; LIMITED when over a limit (the token stays
    unspent, so the same page can be sent again a minute later); else ADMITTED. A limiter storage outage
    admits: losing patients' answers is worse than a bot.
    """
    windows = _redis_windows() or limiter.limiter  # embedded mode: one process, the limiter's memory
    try:
        checks = (
            (parse(current_app.config["RATE_LIMIT_POINT"]), ("survey-point", point_token)),
            (parse(current_app.config["RATE_LIMIT_IP"]), ("survey-ip", request.remote_addr or "-")),
        )
        # The limits library's public API, one round trip per step. A Lua script doing it all in one trip
        # had to copy the library's private key format; it measured 115 against 163 µs per submission for
        # the two windows alone on a loaded 2-core machine: too little to own that coupling.
        marker = SPENT_PREFIX + form_key
        if windows.storage.incr(marker, spent_for) > 1:  # atomic in Redis: two racing copies, one wins
            return SPENT
        if all(windows.hit(rate, *keys) for rate, keys in checks):
            return ADMITTED
        windows.storage.clear(marker)
        return LIMITED
    except Exception as exc:  # noqa: BLE001 - any storage failure must fail open
        log.warning("rate limit storage unavailable: %s", type(exc).__name__)
        return ADMITTED


def _redis_windows() -> FixedWindowRateLimiter | None:
    """This app's fixed windows in its Redis, so the limits hold across processes (None without Redis)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    windows = current_app.extensions.get("survey_rate_limits")
    if windows is None:
        storage = storage_from_string(url, **current_app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        windows = current_app.extensions["survey_rate_limits"] = FixedWindowRateLimiter(storage)
    return windows


def receipt_attempt() -> bool:
    """Count one receipt-code attempt from this address; False once over RATE_LIMIT_RECEIPT.

    Every attempt counts (hit before the lookup, so concurrent guesses cannot slip past the check). A
    limiter storage outage allows the attempt: a code has 60 random bits, the limit is a second line.
    """
    try:
        return all(limiter.limiter.hit(rate, "receipt-ip", request.remote_addr or "-")
                   for rate in parse_many(current_app.config["RATE_LIMIT_RECEIPT"]))
    except Exception as exc:  # noqa: BLE001 - any storage failure must fail open
        log.warning("receipt limiter storage unavailable: %s", type(exc).__name__)
        return True


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
