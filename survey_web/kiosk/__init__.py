"""Shared tablets used by volunteers: enrolment, the ward round, assisted interviews and their outbox."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

# Defaults; create_app's config (or a test) may override them.
DEFAULTS = {
    "KIOSK_IDLE_SECONDS": 120,          # no touch for this long: warn...
    "KIOSK_IDLE_WARNING_SECONDS": 30,   # ...then wipe the half-finished interview after this countdown
    "KIOSK_ROUND_MAX_AGE": 14 * 86400,  # an interview page's signed round token; bounds offline replays
}


@bp.record_once
def _defaults(state) -> None:
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, value)


from . import routes, submit  # noqa: E402,F401
