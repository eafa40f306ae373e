"""The signed-in user's own account: details, a new password, a second factor."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..accounts import sessions, two_factor
from ..accounts.passwords import hash_password, password_problem, verify_password
from ..extensions import db
from . import bp
from .forms import CodeForm, PasswordChangeForm

ENROL_SECRET = "_totp_enrol_secret"


@bp.get("/account")
@login_required
def account():
    required = current_user.role in current_app.config.get("TWO_FACTOR_ROLES", ())
    return render_template("auth/account.html", two_factor_required=required)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password: the current one first; other sessions of this account end."""
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        elif problem := password_problem(form.new.data, user.username):
            form.new.errors.append(_("Choose another password: %(problem)s.", problem=problem))
        else:
            user.password_hash = hash_password(form.new.data)
            user.session_version += 1
            audit.record("change_password", "user", user.id)  # never the password or its hash
            db.session.commit()
            sessions.renew(user)
            flash(_("Your password is changed. Other sign-ins of this account have ended."))
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def enrol_two_factor():
    """Set up (or replace) the authenticator app: scan the code or type the secret, then confirm a code."""
    user = current_user._get_current_object()
    secret = two_factor.enrolment_secret(session, ENROL_SECRET)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if two_factor.enrol(user, secret, form.code.data):
            session.pop(ENROL_SECRET)
            session[sessions.SECOND_FACTOR] = True
            audit.record("enrol_two_factor", "user", user.id)
            db.session.commit()
            flash(_("Two-step sign-in is on. You will be asked for a code at every sign-in."))
            return redirect(url_for("auth.account"))
        form.code.errors.append(_("That code is not right. Use the current code from your authenticator app."))
        status = 400
    uri = two_factor.provisioning_uri(user, secret)
    enrolment = {"qr": two_factor.qr_data_uri(uri), "secret": secret}
    return render_template("auth/code.html", form=form, enrolment=enrolment, signed_in=True), status
