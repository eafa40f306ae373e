"""The discharge follow-up invitation's link: the ward's survey, answered once; and its 退订 page."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from .. import banks, i18n, jobs
from ..campaigns import links
from ..extensions import db
from ..forms import Form
from ..privacy import receipts
from ..responses import guard
from ..responses.forms import build_form
from ..responses.service import existing_ids, place_name, sign, store_response, verify
from . import bp
from .routes import RECEIPT_SESSION_KEY, fresh_claims

ANSWERED = "answered"  # an outcome of `guard.screen`: this invitation was answered by another form


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


@bp.get("/f/<token>")
def invitation(token: str):
    invitation = _invitation(token)
    if invitation.answered_at is not None:
        return _answered()
    if invitation.opted_out_at is not None:
        return _stopped()
    links.mark_opened(invitation)
    bank, claims = fresh_claims(invitation.point)
    return _form(invitation, build_form(bank, i18n.current()), claims)


@bp.post("/f/<token>")
def answer_invitation(token: str):
    invitation = _invitation(token)
    screened = guard.screen(verify(request.form.get("form_token")), fits=lambda c: c.point_id == invitation.point_id,
                            fresh=lambda: fresh_claims(invitation.point), repeat=lambda c: _repeat(invitation, c))
    if screened.outcome == guard.RESENT:
        return _thanks(invitation, screened.claims)  # the same form sent twice: stored once already
    if screened.outcome == ANSWERED:
        return _answered(409)
    if screened.outcome == guard.HONEYPOT:
        return redirect(url_for("survey.invitation_thanks", token=token))
    if screened.outcome is not None:
        return _form(invitation, screened.form, screened.claims, status=screened.status, notice=screened.notice)
    form, claims = screened.form, screened.claims
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


def _repeat(invitation, claims) -> str | None:
    """A form of this invitation sent again: stored already (RESENT), or another one was (ANSWERED)."""
    if existing_ids(claims.key):
        return guard.RESENT
    return ANSWERED if invitation.answered_at is not None else None


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
