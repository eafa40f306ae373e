"""Respondent pages: the survey behind a QR code, and its thank-you page."""

from __future__ import annotations

import logging
import re

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .. import banks, i18n, jobs, speech
from ..extensions import db
from ..models import Department, SurveyPoint
from ..privacy import device_keys, receipts
from ..responses import guard
from ..responses.forms import build_form
from ..responses.service import (
    FORM_MAX_AGE,
    FormClaims,
    existing_ids,
    new_claims,
    place_name,
    sign,
    store_response,
    submit_connection,
    verify,
)
from . import bp

log = logging.getLogger(__name__)
RECEIPT_SESSION_KEY = "receipt"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
AUDIO_NAME = re.compile(r"^[0-9a-f]{24}\.opus$")
# Built once for the hot submit path: the active point's id, and whether the device answered there lately.
POINT_AND_RECENT_ANSWER = (select(SurveyPoint.id, guard.recent_answer(SurveyPoint.id))
                           .where(SurveyPoint.token == bindparam("token"), SurveyPoint.active.is_(True)))


def find_point(token: str) -> SurveyPoint:
    """The active point behind TOKEN, or a friendly 404 (malformed tokens never reach the database)."""
    if not TOKEN.match(token):
        abort(404)
    point = db.session.scalar(
        select(SurveyPoint)
        .options(joinedload(SurveyPoint.department).joinedload(Department.hospital))
        .where(SurveyPoint.token == token, SurveyPoint.active.is_(True))
    )
    if point is None:
        abort(404)
    return point


def active_point(token: str, hashed_devices: list[str]) -> tuple[int, bool]:
    """The id of the active point behind TOKEN and whether this device answered there lately, or 404.

    One query for both: the hot submit path needs nothing more.
    """
    if not TOKEN.match(token):
        abort(404)
    row = submit_connection().execute(
        POINT_AND_RECENT_ANSWER, {"token": token, **guard.recent_answer_params(hashed_devices)}).first()
    if row is None:
        abort(404)
    return row[0], bool(row[1])


def render_form(form, claims: FormClaims, token: str, *, notice: str | None = None, status: int = 200):
    form.form_token.data = sign(claims)
    html = render_template("survey/form.html", form=form, bank=form.bank, place=claims.place, token=token,
                           notice=notice, confirm=claims.confirmed, keep_form="survey-form")
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    if guard.device_id() is None:
        guard.set_device_cookie(response, guard.new_device_id())
    return response


@bp.get("/")
def index():
    return render_template("survey/index.html")


def fresh_claims(point: SurveyPoint):
    """POINT's current bank and the claims of a new page of it."""
    bank = banks.current(point.bank_code)
    return bank, new_claims(point.id, banks.ensure_version(bank), bank.code, place_name(point))


@bp.get("/s/<token>")
def survey(token: str):
    bank, claims = fresh_claims(find_point(token))
    return render_form(build_form(bank, i18n.current()), claims, token)


@bp.post("/s/<token>")
def submit(token: str):
    try:
        return _submit(token)
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("survey submit failed on the database: %s", type(exc).__name__)
        return _database_unavailable(token)


def _submit(token: str):
    devices = device_keys.hashes(guard.device_id())  # today's first: that one is stored
    point_id, answered_here = active_point(token, devices)
    screened = guard.screen(verify(request.form.get("form_token")), fits=lambda c: c.point_id == point_id,
                            fresh=lambda: fresh_claims(find_point(token)), count_at=point_id)
    if screened.outcome == guard.HONEYPOT:
        return redirect(url_for("survey.thanks", token=token))
    if screened.outcome is not None:
        return render_form(screened.form, screened.claims, token, status=screened.status, notice=screened.notice)
    form, claims = screened.form, screened.claims

    # Only a device that answered here recently needs the other query. A kiosk tablet gets no exemption
    # here: its interviews go through /kiosk/ with a signed-in volunteer.
    if answered_here:
        if existing_ids(claims.key):
            return _thanks(token, claims)  # a resent form: stored already
        return _already_answered(point_id)

    # Only now, with a valid form, does the submission count against the limits, and a form token once.
    admitted = guard.admit(token, claims.key, FORM_MAX_AGE)
    if admitted == guard.SPENT and existing_ids(claims.key):
        return _thanks(token, claims)  # a replayed form: stored already
    # Spent but not stored: the first try failed (the database was down); storing by the key is idempotent.
    if admitted == guard.LIMITED:
        guard.count_refusal(point_id, "rate_limited")
        return render_form(form, claims, token, status=429, notice=_(
            "Many people are answering right now. Please wait a minute and submit again; your answers are kept."))
    _response_id, comment_id = store_response(
        form, claims, language=i18n.current(), device_hash=devices[0] if devices else None,
        receipt_hash=receipts.hashed(receipts.code_for(claims.key)))
    if comment_id is not None:
        jobs.enqueue_classify(comment_id)
    return _thanks(token, claims)


def _thanks(token: str, claims: FormClaims):
    """To the thanks page, which shows the response's receipt code (carried in the signed session, never
    in a URL that proxies and browser histories keep)."""
    session[RECEIPT_SESSION_KEY] = receipts.code_for(claims.key)
    return redirect(url_for("survey.thanks", token=token))


def _already_answered(point_id: int):
    guard.count_refusal(point_id, "duplicate")
    hours = current_app.config["DUPLICATE_WINDOW_HOURS"]
    return make_response(render_template("survey/message.html", title=_("You have already answered"), message=_(
        "Thank you: this phone already answered the survey for this place in the last %(hours)d hours.",
        hours=hours)), 409)


def _database_unavailable(token: str):
    """The 'please try again' page: the form as sent, rebuilt from the signed token without the database."""
    claims = verify(request.form.get("form_token"))
    bank = banks.all_current().get(claims.bank_code) if claims else None
    if bank is None:
        return make_response(render_template("errors/unavailable.html"), 503)
    form = build_form(bank, i18n.current(), formdata=request.form)
    return render_form(form, claims, token, status=503, notice=_(
        "The system is busy and your answers were not saved yet. They are still here: please submit again "
        "in a moment."))


@bp.get("/audio/<name>")
def audio(name: str):
    """A pre-recorded read-aloud clip (survey_web/speech.py); names are content hashes, so cached for good."""
    if not AUDIO_NAME.match(name):
        abort(404)
    return send_from_directory(speech.audio_dir(), name, mimetype="audio/ogg", max_age=365 * 86400)


@bp.get("/s/<token>/thanks")
def thanks(token: str):
    point = find_point(token)
    response = make_response(render_template("survey/thanks.html", bank=banks.current(point.bank_code),
                                             place=place_name(point), receipt=session.pop(RECEIPT_SESSION_KEY, None)))
    response.headers["Cache-Control"] = "no-store"
    return response
