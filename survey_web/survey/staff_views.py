"""The staff satisfaction survey behind a department's link: anonymous, no sign-in.

The same defences as the patient survey where they fit (a signed one-time form token, CSRF, a honeypot,
too-fast and empty submissions, the per-link and per-address rate limits). A repeat from the same phone
is caught by a cookie on that phone only: the server keeps no device hash for staff, since even a keyed
one could help a manager tie an answer to a colleague's phone.
"""

from __future__ import annotations

import logging
import time

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from .. import banks, i18n
from ..extensions import db
from ..responses import guard
from ..responses.forms import build_form
from ..responses.service import FORM_MAX_AGE, FormClaims, new_claims, sign, verify
from ..staff_survey import service
from . import bp
from .routes import TOKEN

log = logging.getLogger(__name__)
ANSWERED_COOKIE = "staff_answered"


def _unit(token: str):
    unit = service.open_unit(token) if TOKEN.match(token) else None
    if unit is None:
        abort(404)
    return unit


def _place(unit) -> str:
    return f"{unit.survey.hospital.name} · {unit.name}"


def _answered_rounds() -> set[str]:
    return set((request.cookies.get(ANSWERED_COOKIE) or "").split(".")[-20:]) - {""}


def _render(form, claims: FormClaims, token: str, *, notice: str | None = None, status: int = 200):
    form.form_token.data = sign(claims)
    html = render_template("survey/form.html", form=form, bank=form.bank, place=claims.place, token=token,
                           notice=notice, confirm=claims.confirmed, keep_form="survey-form", anonymous_only=True,
                           action=url_for("survey.staff_submit", token=token))
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _already(unit):
    return make_response(render_template("survey/message.html", title=_("You have already answered"), message=_(
        "Thank you: this phone has already answered this round of the staff survey.")), 409)


@bp.get("/staff-survey/<token>")
def staff_survey(token: str):
    unit = _unit(token)
    if str(unit.survey_id) in _answered_rounds():
        return _already(unit)
    bank = banks.staff_current()
    claims = new_claims(unit.id, banks.ensure_version(bank), bank.code, _place(unit))
    return _render(build_form(bank, i18n.current()), claims, token)


@bp.post("/staff-survey/<token>")
def staff_submit(token: str):
    unit = _unit(token)
    claims = verify(request.form.get("form_token"))
    bank = banks.staff_current()
    if claims is None or claims.point_id != unit.id or claims.bank_code != bank.code:
        fresh = new_claims(unit.id, banks.ensure_version(bank), bank.code, _place(unit))
        return _render(build_form(bank, i18n.current(), formdata=request.form), fresh, token, status=400, notice=_(
            "This page had expired or was altered. Your answers are still here: please check them and submit again."))
    form = build_form(banks.for_version(claims.version_id), i18n.current(), formdata=request.form)
    if request.form.get("switch"):
        return _render(form, claims, token)
    valid = form.validate()
    if form.csrf_token.errors:
        return _render(form, claims, token, status=400, notice=_(
            "This page had expired. Your answers are still here: please submit again."))
    if form.website.data:
        return redirect(url_for("survey.staff_thanks", token=token))
    if not valid:
        return _render(form, claims, token, status=422, notice=_("Please check the questions marked below."))
    if not claims.confirmed and time.time() - claims.started < current_app.config["MIN_FILL_SECONDS"]:
        return _render(form, claims.confirmable(), token, status=422, notice=_(
            "That was quick, so your answers have not been saved yet. They are all still below: check them if "
            "you like, then tap 'Submit my answers'."))
    if str(unit.survey_id) in _answered_rounds() and not service.stored(claims.key):
        return _already(unit)
    admitted = guard.admit(token, claims.key, FORM_MAX_AGE)
    if admitted == guard.LIMITED:
        return _render(form, claims, token, status=429, notice=_(
            "Many people are answering right now. Please wait a minute and submit again; your answers are kept."))
    category = form["q_category"].data
    try:
        service.store(service.Submission(unit.id, claims.version_id, claims.key, category, i18n.current(),
                                         form.answers(), form.comment_text()))
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("staff survey submit failed on the database: %s", type(exc).__name__)
        return _render(form, claims, token, status=503, notice=_(
            "The system is busy and your answers were not saved yet. They are still here: please submit again "
            "in a moment."))
    response = redirect(url_for("survey.staff_thanks", token=token))
    answered = sorted(_answered_rounds() | {str(unit.survey_id)})
    response.set_cookie(ANSWERED_COOKIE, ".".join(answered), max_age=400 * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/staff-survey/<token>/thanks")
def staff_thanks(token: str):
    unit = _unit(token)
    response = make_response(render_template("survey/thanks.html", bank=banks.staff_current(), place=_place(unit),
                                             receipt=None))
    response.headers["Cache-Control"] = "no-store"
    return response
