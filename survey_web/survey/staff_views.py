"""The staff satisfaction survey behind a department's link: anonymous, no sign-in.

The same defences as the patient survey where they fit (a signed one-time form token, CSRF, a honeypot,
too-fast and empty submissions, the per-link and per-address rate limits). A repeat from the same phone
is caught by a cookie on that phone only: the server keeps no device hash for staff, since even a keyed
one could help a manager tie an answer to a colleague's phone.
"""

from __future__ import annotations

import logging

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


def _fresh_claims(unit, bank):
    return bank, new_claims(unit.id, banks.ensure_version(bank), bank.code, _place(unit))


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
    bank, claims = _fresh_claims(unit, banks.staff_current())
    return _render(build_form(bank, i18n.current()), claims, token)


@bp.post("/staff-survey/<token>")
def staff_submit(token: str):
    unit = _unit(token)
    bank = banks.staff_current()
    screened = guard.screen(verify(request.form.get("form_token")),
                            fits=lambda c: c.point_id == unit.id and c.bank_code == bank.code,
                            fresh=lambda: _fresh_claims(unit, bank))
    if screened.outcome == guard.HONEYPOT:
        return redirect(url_for("survey.staff_thanks", token=token))
    if screened.outcome is not None:
        return _render(screened.form, screened.claims, token, status=screened.status, notice=screened.notice)
    form, claims = screened.form, screened.claims
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
