"""Enrolling a tablet as a registered kiosk with a one-time link made by `flask kiosk enrol`."""

from __future__ import annotations

import secrets

from flask import abort, current_app, make_response, render_template
from flask_babel import gettext as _
from sqlalchemy import select, update

from .. import guard
from ..extensions import db
from ..models import KioskDevice
from . import bp


@bp.get("/enrol/<token>")
def enrol(token: str):
    kiosk = db.session.scalar(select(KioskDevice).where(
        KioskDevice.enrol_token == token, KioskDevice.revoked_at.is_(None)))
    if kiosk is None or len(token) < 16:
        abort(404)
    secret = secrets.token_urlsafe(24)
    # Claim the one-time link with a conditional update, so two tablets cannot both use it.
    claimed = db.session.execute(
        update(KioskDevice).where(KioskDevice.id == kiosk.id, KioskDevice.enrol_token == token)
        .values(enrol_token=None, device_hash=guard.device_hash(secret))
    ).rowcount
    db.session.commit()
    if not claimed:
        abort(404)
    response = make_response(render_template(
        "survey/message.html", title=_("Tablet registered"),
        message=_("This tablet is now registered as kiosk “%(name)s”.", name=kiosk.name)))
    response.set_cookie(guard.KIOSK_COOKIE, secret, max_age=5 * 365 * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
