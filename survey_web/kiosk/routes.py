"""The tablet's pages: enrolment, the volunteer's start screen, the interview page and its helpers."""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from .. import audit, banks, i18n
from ..accounts import tablets
from ..extensions import db
from ..models import KioskDevice, Response
from ..responses import guard
from ..responses.forms import build_form
from ..responses.service import place_name
from . import bp, rounds
from .access import volunteer_required
from .forms import EnrolForm, RoundForm

ROUND = "kiosk_point"  # session key: the point chosen for this round
RECEIPT = "kiosk_receipt"  # session key: the receipt code of the interview just stored (shown once)


@bp.get("/enrol/<token>")
def enrol(token: str):
    """The confirmation page of an enrolment link; only its POST spends the link (a previewer's GET does not)."""
    link, kiosk = tablets.link_state(token)
    if link == "unknown":
        abort(404)
    if link == "expired":
        return no_store(make_response(render_template(
            "survey/message.html", title=_("Enrolment link expired"),
            message=_("This enrolment link has expired. Please ask the administrator for a new one.")), 410))
    return no_store(render_template("kiosk/enrol.html", kiosk=kiosk, form=EnrolForm()))


@bp.post("/enrol/<token>")
def enrol_confirm(token: str):
    """Register this browser as the tablet the link was made for, and hand it its cookie."""
    if not EnrolForm().validate_on_submit():
        abort(400)
    enrolled = tablets.enrol(token)
    if enrolled is None:
        return enrol(token)  # expired or spent meanwhile: the same answer as a GET
    kiosk, secret = enrolled
    audit.record("enrol", "kiosk", kiosk.id, after={"name": kiosk.name})
    db.session.commit()
    response = no_store(render_template(
        "survey/message.html", title=_("Tablet registered"),
        message=_("This tablet is now registered as kiosk “%(name)s”.", name=kiosk.name)))
    tablets.set_cookie(response, secret)
    return response


def no_store(response):
    """Kiosk pages hold a volunteer's round: never in a shared or back-button cache."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def stored_today(kiosk: KioskDevice | None) -> int:
    """Interviews the server holds from this tablet since local midnight."""
    if kiosk is None:
        return 0
    midnight = datetime.now(get_timezone()).replace(hour=0, minute=0, second=0, microsecond=0)
    return db.session.scalar(select(func.count(Response.id)).where(
        Response.kiosk_id == kiosk.id, Response.submitted_at >= midnight.astimezone(UTC))) or 0


@bp.get("/")
@volunteer_required
def start():
    """The volunteer's home on the tablet: the outbox, the current ward and the start button."""
    kiosk = guard.registered_kiosk()
    point = rounds.point_for(current_user, session.get(ROUND))
    response = no_store(render_template(
        "kiosk/start.html", kiosk=kiosk, point=point, place=place_name(point) if point else None,
        wards=rounds.wards(current_user), form=RoundForm(), stored_today=stored_today(kiosk),
        done=request.args.get("done"), receipt=session.pop(RECEIPT, None)))
    # In use by a signed-in volunteer: the tablet's cookie lives on; left unused, it runs out.
    if kiosk is not None and tablets.renew(kiosk):
        tablets.set_cookie(response, request.cookies[guard.KIOSK_COOKIE])
    return response


@bp.post("/round")
@volunteer_required
def choose():
    """Set the point (ward, bed area) for this round of interviews."""
    form = RoundForm()
    point = rounds.point_for(current_user, form.point.data) if form.validate_on_submit() else None
    if point is None:
        abort(400)
    session[ROUND] = point.id
    return redirect(url_for("kiosk.start"), 303)


def render_interview(form, claims: rounds.RoundClaims, *, key: str | None = None, started: float | None = None,
                     notice: str | None = None, status: int = 200, keep: bool = False):
    """The interview page. KEY and STARTED are only used without JavaScript (kiosk.js draws its own), or
    when KEEP says the page is the same interview redrawn after a language or 大字版 switch."""
    kiosk = guard.registered_kiosk()
    idle = kiosk.idle_seconds if kiosk else current_app.config["KIOSK_IDLE_SECONDS"]
    html = render_template(
        "kiosk/interview.html", form=form, bank=form.bank, place=claims.place,
        round_token=rounds.sign(claims), key=key or uuid.uuid4().hex,
        started=f"{started or time.time():.3f}", notice=notice, idle=idle,
        warn=min(current_app.config["KIOSK_IDLE_WARNING_SECONDS"], idle // 2),
        restore=current_app.config["KIOSK_RESTORE_SECONDS"], keep=keep, keep_form="interview-form")
    return no_store(make_response(html, status))


@bp.get("/interview")
@volunteer_required
def interview():
    """A blank interview for the round's point, signed for this volunteer and tablet."""
    kiosk = guard.registered_kiosk()
    point = rounds.point_for(current_user, session.get(ROUND))
    if kiosk is None or point is None:
        return redirect(url_for("kiosk.start"))
    bank = banks.current(point.bank_code)
    language = i18n.current()
    claims = rounds.new_claims(point, banks.ensure_version(bank), place_name(point), current_user, kiosk.id,
                               language)
    return render_interview(build_form(bank, language, meta={"csrf": False}), claims)


def posted_time(value: str) -> float | None:
    """A start time posted by a page, if it is a plausible one (within the round token's life)."""
    try:
        posted = float(value)
    except ValueError:
        return None
    return posted if 0 < time.time() - posted < current_app.config["KIOSK_ROUND_MAX_AGE"] else None


@bp.get("/status")
def status():
    """What the tablet's outbox needs before sending: is someone signed in, a fresh CSRF token, and
    how many interviews the server already holds from this tablet today. Never cached."""
    signed_in = current_user.is_authenticated and current_user.role in ("volunteer", "admin")
    kiosk = guard.registered_kiosk()
    body = {"signed_in": signed_in, "kiosk": kiosk.name if kiosk else None}
    if signed_in:
        body.update(csrf=generate_csrf(), user=current_user.display_name, stored_today=stored_today(kiosk))
    if signed_in and kiosk is not None:
        # The key of this volunteer's encrypted outbox on this tablet; kiosk.js keeps it in sessionStorage.
        body["outbox_key"], body["outbox_key_id"] = tablets.outbox_key(kiosk, current_user)
        # Marks this sign-in (sign-in and sign-out clear the session, and with it the CSRF secret): the
        # tablet drops what was set aside under an earlier one, even if that volunteer left without the
        # kiosk's sign-out button. Derived, not stored, so this request does not rewrite the session.
        secret = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
        body["sign_in"] = hashlib.sha256(b"kiosk-sign-in:" + secret.encode()).hexdigest()[:16]
    return no_store(jsonify(body))


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from /kiosk/ so that its scope is the kiosk pages and nothing else."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("kiosk.start")
    return response
