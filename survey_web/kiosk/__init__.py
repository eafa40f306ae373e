"""Shared tablets used by volunteers: enrolment, the ward round, assisted interviews and their outbox."""

import os

from flask import Blueprint

from ..config import env_int

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

# Defaults; the environment (same names, whole numbers), create_app's config or a test may override them.
DEFAULTS = {
    "KIOSK_IDLE_SECONDS": 300,          # a new tablet's idle timeout (admins change it per tablet)...
    "KIOSK_IDLE_WARNING_SECONDS": 30,   # ...the last this many seconds of which show a loud warning
    "KIOSK_RESTORE_SECONDS": 60,        # a discarded interview can be brought back this long
    "KIOSK_ROUND_MAX_AGE": 24 * 3600,   # an interview page's signed round token; bounds offline replays
    "KIOSK_ENROL_HOURS": 24,            # an enrolment link expires unused after this long
    "KIOSK_DEVICE_DAYS": 30,            # a tablet's cookie ends this long after a volunteer last used it
}


@bp.record_once
def _defaults(state) -> None:
    for key, value in DEFAULTS.items():
        state.app.config.setdefault(key, env_int(os.environ, key, value, minimum=1))


from . import routes, submit  # noqa: E402,F401
