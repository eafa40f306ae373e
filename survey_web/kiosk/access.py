"""Who may use kiosk pages, answered in the form each caller needs (a page redirect or JSON)."""

from __future__ import annotations

from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

KIOSK_ROLES = ("volunteer", "admin")


def wants_json() -> bool:
    """True for the tablet's background requests (kiosk.js asks for JSON), False for pages."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def volunteer_required(view):
    """Signed-in volunteers and admins only; others go to sign-in (pages) or get 401/403 (JSON)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            if wants_json():
                return jsonify(status="signed_out"), 401
            return redirect(url_for("auth.login", next=request.path))
        if current_user.role not in KIOSK_ROLES:
            if wants_json():
                return jsonify(status="forbidden"), 403
            abort(403)
        return view(*args, **kwargs)
    return wrapped
