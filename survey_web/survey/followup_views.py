"""The discharge follow-up invitation's link: the ward's survey, answered once; and its 退订 page."""

from __future__ import annotations

import time

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .. import banks, i18n, jobs
from ..campaigns import links
from ..extensions import db
from ..forms import Form
from ..privacy import receipts
from ..responses.forms import build_form
from ..responses.service import existing_ids, new_claims, place_name, sign, store_response, verify
from . import bp
from .routes import RECEIPT_SESSION_KEY


def _invitation(token: str):
    invitation = links.find(token)
    if invitation is None:
        abort(404)
    return invitation


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak to another site
    return response


def _answered(status: int = 200):
    return _page("survey/message.html", status, title=_("You have already answered"), message=_(
        "Thank you: this invitation has already been answered, and it can be used only once. We wish you a "
        "speedy recovery."))


def _stopped():
    return _page("survey/message.html", title=_("You will get no more invitations"), message=_(
        "You have unsubscribed: the hospital will not send you follow-up survey invitations again."))


def _form(invitation, form, claims, *, notice: str | None = None, status: int = 200):
    form.form_token.data = sign(claims)
    return _page("survey/form.html", status, form=form, bank=form.bank, place=claims.place, token=invitation.token,
                 action=url_for("survey.invitation", token=invitation.token), notice=notice,
                 confirm=claims.confirmed, keep_form="survey-form")


def _fresh_claims(invitation):
    bank = banks.current(invitation.point.bank_code)
    return bank, new_claims(invitation.point_id, banks.ensure_version(bank), bank.code, place_name(invitation.point))


@bp.get("/f/<token>")
def invitation(token: str):
    invitation = _invitation(token)
    if invitation.answered_at is not None:
        return _answered()
    if invitation.opted_out_at is not None:
        return _stopped()
    links.mark_opened(invitation)
    bank, claims = _fresh_claims(invitation)
    return _form(invitation, build_form(bank, i18n.current()), claims)


@bp.post("/f/<token>")
def answer_invitation(token: str):
    invitation = _invitation(token)
    claims = verify(request.form.get("form_token"))
    if claims is None or claims.point_id != invitation.point_id:
        bank, fresh = _fresh_claims(invitation)
        return _form(invitation, build_form(bank, i18n.current(), formdata=request.form), fresh, status=400, notice=_(
            "This page had expired or was altered. Your answers are still here: please check them and submit again."))
    if existing_ids(claims.key):
        return _thanks(invitation, claims)  # the same form sent twice: stored once already
    if invitation.answered_at is not None:
        return _answered(409)
    form = build_form(banks.for_version(claims.version_id), i18n.current(), formdata=request.form)
    if request.form.get("switch"):
        return _form(invitation, form, claims)
    valid = form.validate()
    if form.csrf_token.errors:
        return _form(invitation, form, claims, status=400, notice=_(
            "This page had expired. Your answers are still here: please submit again."))
    if form.website.data:
        return redirect(url_for("survey.invitation_thanks", token=token))
    if not valid:
        return _form(invitation, form, claims, status=422, notice=_("Please check the questions marked below."))
    if not form.answered_anything():
        return _form(invitation, form, claims, status=422, notice=_(
            "The survey is still empty. Please answer at least one question before submitting."))
    if not claims.confirmed and time.time() - claims.started < current_app.config["MIN_FILL_SECONDS"]:
        return _form(invitation, form, claims.confirmable(), status=422, notice=_(
            "That was quick, so your answers have not been saved yet. They are all still below: check them if "
            "you like, then tap 'Submit my answers'."))
    # The invitation is marked answered in the response's own transaction: both are stored, or neither.
    if not links.claim_answer(invitation.id):
        db.session.rollback()
        return _answered(409)
    _response_id, comment_id = store_response(
        form, claims, language=i18n.current(), device_hash=None,
        receipt_hash=receipts.hashed(receipts.code_for(claims.key)),
        source=(invitation.campaign_id, invitation.channel))
    if comment_id is not None:
        jobs.enqueue_classify(comment_id)
    return _thanks(invitation, claims)


def _thanks(invitation, claims):
    session[RECEIPT_SESSION_KEY] = receipts.code_for(claims.key)
    return redirect(url_for("survey.invitation_thanks", token=invitation.token))


@bp.get("/f/<token>/thanks")
def invitation_thanks(token: str):
    invitation = _invitation(token)
    point = invitation.point
    return _page("survey/thanks.html", bank=banks.current(point.bank_code), place=place_name(point),
                 receipt=session.pop(RECEIPT_SESSION_KEY, None))


@bp.route("/f/<token>/stop", methods=["GET", "POST"])
def opt_out(token: str):
    """退订: a page with one button (a link preview or a mail scanner that opens the URL unsubscribes no one)."""
    invitation = _invitation(token)
    if invitation.opted_out_at is not None:
        return _stopped()
    form = Form()
    if request.method == "POST" and form.validate():
        links.opt_out(invitation)
        return _stopped()
    return _page("survey/optout.html", form=form, place=place_name(invitation.point))
