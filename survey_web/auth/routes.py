"""Sign in and out; where each role lands."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse
from sqlalchemy import func, select

from .. import audit
from ..accounts.passwords import hash_password, needs_rehash, verify_password
from ..extensions import db, limiter, login_manager
from ..models import User, utcnow
from . import bp
from .forms import LoginForm

log = logging.getLogger(__name__)
# Where each role starts; the first endpoint that exists wins.
HOME = {
    "admin": ("office.index", "auth.account"),
    "quality": ("office.index", "auth.account"),
    "dept_head": ("office.index", "auth.account"),
    "commission": ("commission.index", "auth.account"),
    "volunteer": ("kiosk.start", "auth.account"),
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        raw_id, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, raw_id)
    return user if user is not None and user.session_version == version and user.active else None


def _limits() -> list[tuple]:
    username = (request.form.get("username") or "").strip().lower()[:64]
    return [(parse(current_app.config.get("LOGIN_LIMIT_USER", "5/minute")), ("login-user", username)),
            (parse(current_app.config.get("LOGIN_LIMIT_IP", "30/minute")), ("login-ip", request.remote_addr))]


def _locked_out() -> bool:
    try:
        return not all(limiter.limiter.test(rate, *keys) for rate, keys in _limits())
    except Exception:  # noqa: BLE001 - a limiter outage must not lock staff out
        return False


def _count_failure() -> None:
    try:
        for rate, keys in _limits():
            limiter.limiter.hit(rate, *keys)
    except Exception:  # noqa: BLE001
        log.warning("login limiter storage unavailable")


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        if _locked_out():
            form.password.errors.append(_("Too many failed attempts. Please wait a few minutes."))
            status = 429
        else:
            username = form.username.data.lower()
            user = db.session.scalar(select(User).where(func.lower(User.username) == username))
            # Verified even for unknown users, so response time does not reveal which usernames exist.
            matches = verify_password(user.password_hash if user else None, form.password.data)
            if user is not None and user.active and matches:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(form.password.data)
                user.last_login_at = utcnow()
                audit.record("login", "user", user.id, user_id=user.id)
                db.session.commit()
                session.clear()  # a fresh session on login: no fixation
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or home_url(user))
            _count_failure()
            form.password.errors.append(_("Wrong username or password."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html")
