"""Receiving a kiosk interview: sent live, or replayed later from the tablet's outbox.

Exactly once: the submission key (drawn by kiosk.js per interview, or by the server without JavaScript)
is unique in the database, so a replay of an interview already stored answers "duplicate" and the
tablet drops its copy; the tablet deletes a copy only after such an answer. Every refusal answers with
a status and a message the volunteer sees; nothing is stored half-way (one transaction per interview).

The CSRF token is checked here rather than before the view: a replay sends a fresh one in a header
(fetched from /kiosk/status under whoever is signed in now), a page without JavaScript sends the
form's field, and a stale token gets the answers back instead of an error page.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from datetime import UTC, datetime

from flask import jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from wtforms.validators import ValidationError

from .. import banks, i18n, jobs
from ..extensions import csrf, db
from ..privacy import receipts
from ..responses import guard
from ..responses.forms import build_form
from ..responses.service import FormClaims, existing_ids, store_response
from . import bp, rounds
from .access import volunteer_required, wants_json
from .routes import RECEIPT, posted_time, render_interview

log = logging.getLogger(__name__)


def _csrf_ok() -> bool:
    for token in (request.headers.get("X-CSRFToken"), request.form.get("csrf_token")):
        if token:
            try:
                validate_csrf(token)
                return True
            except ValidationError:
                continue
    return False


def _refusals() -> dict[str, tuple[int, str]]:
    return {
        "csrf": (400, _("This page had expired. Please send the interview again.")),
        "not_kiosk": (403, _("This tablet is not (or no longer) registered as a kiosk, so it cannot send "
                             "interviews. Please ask the administrator.")),
        "other_kiosk": (403, _("This interview was started on another tablet and can only be sent from it.")),
        "other_volunteer": (403, _("This interview was recorded by another volunteer and can only be sent "
                                   "while they are signed in.")),
        "other_hospital": (403, _("This interview is for a place your account may no longer interview at.")),
        "tampered": (400, _("This interview's page was altered or damaged and cannot be accepted.")),
        "expired": (400, _("This interview waited too long on the tablet and can no longer be accepted.")),
        "unavailable": (503, _("The server is busy. The interview stays on this tablet and will be sent "
                               "again shortly.")),
    }


def _times(claims: rounds.RoundClaims) -> tuple[float, float]:
    """Start and finish as the tablet recorded them, kept within what the server can vouch for."""
    now = time.time()

    def number(name: str, default: float) -> float:
        try:
            value = float(request.form.get(name, ""))
        except ValueError:
            return default
        return value if math.isfinite(value) else default

    started = min(max(number("started", claims.issued), claims.issued - 60), now)
    finished = min(max(number("finished", now), started), now)
    return started, finished


@bp.post("/interview")
@volunteer_required
def submit():
    try:
        return _submit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("kiosk submit failed on the database: %s", type(exc).__name__)
        try:
            return _refuse("unavailable")
        except SQLAlchemyError:  # the page itself needs the bank version from the database
            db.session.rollback()
            return render_template("errors/unavailable.html"), 503


# The view checks the token itself (see the module docstring).
csrf.exempt(submit)


def _submit():
    if request.form.get("switch"):
        return _switch()
    if not _csrf_ok():
        return _refuse("csrf")
    kiosk = guard.registered_kiosk()
    if kiosk is None:
        return _refuse("not_kiosk")
    try:
        claims = rounds.verify(request.form.get("kiosk_token"))
    except rounds.TokenRefused as refused:
        log.warning("kiosk %s sent an interview with a %s round token", kiosk.id, refused.reason)
        return _refuse(refused.reason)
    if claims.kiosk_id != kiosk.id:
        return _refuse("other_kiosk")
    try:
        rounds.check_sender(claims, current_user)
    except rounds.TokenRefused as refused:
        log.warning("kiosk %s: user %s sent a round token of %s", kiosk.id, current_user.id, refused.reason)
        return _refuse(refused.reason)
    key = request.form.get("submission_key", "")
    if not rounds.KEY.match(key):
        return _refuse("tampered", claims)
    if existing_ids(key):
        return _accepted("duplicate")

    form = build_form(banks.for_version(claims.version_id), claims.language, formdata=request.form,
                      meta={"csrf": False})
    if not form.validate():
        return _invalid(form, claims, _("Please check the questions marked below."))
    if not form.answered_anything():
        guard.count_refusal(claims.point_id, "empty")
        return _invalid(form, claims, _("The survey is still empty. Please answer at least one question "
                                        "before submitting."))
    started, finished = _times(claims)
    form_claims = FormClaims(key, started, claims.point_id, claims.version_id, claims.bank_code, claims.place)
    # The tablet drew the receipt code it showed the respondent; a page without JavaScript gets one here.
    receipt = receipts.normalise(request.form.get("receipt")) or receipts.new_code()
    _response_id, comment_id = store_response(
        form, form_claims, language=claims.language, device_hash=None, mode="volunteer_assisted",
        volunteer_id=current_user.id, kiosk_id=kiosk.id, submitted_at=datetime.fromtimestamp(finished, UTC),
        receipt_hash=receipts.hashed(receipt))
    if comment_id is not None:
        jobs.enqueue_classify(comment_id)
    if not wants_json():  # the tablet's own script already showed its code; a plain page shows it next
        session[RECEIPT] = receipt
    return _accepted("stored")


def _switch():
    """A language or 大字版 switch mid-interview: the same interview redrawn, every answer as given, the same
    key and start. Nothing is stored, so no CSRF check (an offline page's token may be old, and a refusal
    would lose the answers); the round token must still be this volunteer's on this tablet."""
    kiosk = guard.registered_kiosk()
    try:
        claims = rounds.verify(request.form.get("kiosk_token"))
        rounds.check_sender(claims, current_user)
    except rounds.TokenRefused:
        return redirect(url_for("kiosk.start"), 303)
    if kiosk is None or claims.kiosk_id != kiosk.id:
        return redirect(url_for("kiosk.start"), 303)
    language = i18n.current()
    claims = replace(claims, language=language)  # stored in the language the interview ends in
    form = build_form(banks.for_version(claims.version_id), language, formdata=request.form, meta={"csrf": False})
    return render_interview(form, claims, key=_posted_key(), started=posted_time(request.form.get("started", "")),
                            keep=True)


def _accepted(status: str):
    if wants_json():
        return jsonify(status=status), 201 if status == "stored" else 200
    return redirect(url_for("kiosk.start", done="saved"), 303)


def _refuse(status: str, claims: rounds.RoundClaims | None = None):
    code, message = _refusals()[status]
    if wants_json():
        return jsonify(status=status, message=message), code
    if status in ("other_volunteer", "other_hospital"):  # not this volunteer's page to show again
        return redirect(url_for("kiosk.start"), 303)
    if claims is None:
        try:
            claims = rounds.verify(request.form.get("kiosk_token"))
        except rounds.TokenRefused:
            return redirect(url_for("kiosk.start"), 303)
    form = build_form(banks.for_version(claims.version_id), claims.language, formdata=request.form,
                      meta={"csrf": False})
    return render_interview(form, claims, key=_posted_key(), notice=message, status=code)


def _posted_key() -> str | None:
    """The interview's key as posted, kept on a re-rendered page so that a second press stays one response."""
    key = request.form.get("submission_key", "")
    return key if rounds.KEY.match(key) else None


def _invalid(form, claims: rounds.RoundClaims, notice: str):
    if wants_json():
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return jsonify(status="invalid", message=notice, errors=errors), 422
    return render_interview(form, claims, key=_posted_key(), notice=notice, status=422)
