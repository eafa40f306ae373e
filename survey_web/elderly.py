"""Elderly-friendly display (大字版): a per-device choice, and the answer faces for large buttons.

The choice is a plain cookie so it works without JavaScript (a `?big=1` link sets it, like `?lang=`);
elderly.js flips the same cookie and the page class at once. It is not HttpOnly for that reason, and
it holds nothing about the respondent.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request

from question_banks import ScaleLevel, scale_levels

COOKIE = "big"
MAX_AGE = 365 * 86400
_LEVELS: dict[str, ScaleLevel] = {"na" if level.value is None else str(level.value): level
                                  for level in scale_levels(na=True)}


def _asked() -> bool | None:
    """What this request's ?big= asks for, if anything."""
    value = request.args.get("big")
    return {"1": True, "0": False}.get(value) if value else None


def large_text() -> bool:
    """Whether this page should be drawn in large text: ?big= wins, then the device's cookie."""
    if not has_request_context():
        return False
    asked = _asked()
    return asked if asked is not None else request.cookies.get(COOKIE) == "1"


def scale_level(value: str | None) -> ScaleLevel | None:
    """The face and short word for a scale answer value ('5'..'1', 'na')."""
    return _LEVELS.get(value or "")


def init_app(app: Flask) -> None:
    @app.after_request
    def remember_large_text(response):
        asked = _asked()
        if asked is not None and (request.cookies.get(COOKIE) == "1") != asked:
            response.set_cookie(COOKIE, "1" if asked else "0", max_age=MAX_AGE, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response

    @app.context_processor
    def large_text_helpers():
        return {"large_text": large_text, "scale_level": scale_level}
