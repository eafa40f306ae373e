"""Sign in (password, then a TOTP code where required) and out; where each role lands."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import audit
from ..accounts import attempts, sessions, two_factor
from ..accounts.passwords import hash_password, needs_rehash, verify_password
from ..extensions import db, login_manager
from ..models import User, utcnow
from . import bp
from .forms import CodeForm, LoginForm

# Where each role starts; the first endpoint that exists wins.
HOME = {
    "admin": ("office.index", "auth.account"),
    "quality": ("office.index", "auth.account"),
    "dept_head": ("office.index", "auth.account"),
    "commission": ("commission.index", "auth.account"),
    "volunteer": ("kiosk.start", "auth.account"),
    "complaints": ("complaints_office.index", "auth.account"),
}
# Between the password and the code: who, which session version, since when, where to go next.
PENDING = "_pending_sign_in"
PENDING_SECONDS = 300


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        raw_id, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, raw_id)
    return user if user is not None and user.session_version == version and user.active else None


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def home_url(user: User) -> str:
    for endpoint in HOME.get(user.role, ("auth.account",)):
        if endpoint in current_app.view_functions:
            return url_for(endpoint)
    return url_for("auth.account")


def _complete(user: User, next_url: str | None, second_factor: bool):
    user.last_login_at = utcnow()
    audit.record("login", "user", user.id, user_id=user.id)
    db.session.commit()
    sessions.begin(user, second_factor=second_factor)
    return redirect(_safe_next(next_url) or home_url(user))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.lower()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        if not attempts.allow(username):
            attempts.record_lockout(username, user.id if user else None)
            db.session.commit()
            form.password.errors.append(_("Too many failed attempts. Please wait a few minutes."))
            status = 429
        # Verified even for unknown users, so response time does not reveal which usernames exist.
        elif verify_password(user.password_hash if user else None, form.password.data) and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            if not sessions.needs_second_factor(user):
                return _complete(user, request.args.get("next"), second_factor=False)
            db.session.commit()
            session.clear()
            session[PENDING] = {"id": user.id, "version": user.session_version, "at": sessions.now(),
                                "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.second_factor"))
        else:
            attempts.record_failure(username, user.id if user else None)
            db.session.commit()
            form.password.errors.append(_("Wrong username or password."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or sessions.now() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("id"))
    return user if user is not None and user.active and user.session_version == pending.get("version") else None


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """The second step: a TOTP code, or, for an account that must have one and has none, enrolment."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."))
        return redirect(url_for("auth.login"))
    enrolling = user.totp_secret is None
    secret = two_factor.enrolment_secret(session[PENDING], "secret") if enrolling else None
    session.modified = True
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        username = user.username.lower()
        if not attempts.allow(username):
            attempts.record_lockout(username, user.id)
            db.session.commit()
            form.code.errors.append(_("Too many failed attempts. Please wait a few minutes."))
            status = 429
        elif two_factor.enrol(user, secret, form.code.data) if enrolling else two_factor.accept(user, form.code.data):
            if enrolling:
                audit.record("enrol_two_factor", "user", user.id, user_id=user.id)
            return _complete(user, session[PENDING].get("next"), second_factor=True)
        else:
            attempts.record_failure(username, user.id, step="code")
            db.session.commit()
            form.code.errors.append(_("That code is not right. Use the current code from your authenticator app."))
            status = 401
    enrolment = None
    if enrolling:
        uri = two_factor.provisioning_uri(user, secret)
        enrolment = {"qr": two_factor.qr_data_uri(uri), "secret": secret}
    return render_template("auth/code.html", form=form, enrolment=enrolment), status


@bp.post("/logout")
@login_required
def logout():
    audit.record("logout", "user", current_user.id)
    sessions.end_everywhere(current_user._get_current_object())
    db.session.commit()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))
