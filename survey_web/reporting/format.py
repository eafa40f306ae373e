"""How figures read on a page: percentages with one decimal, intervals, months, local times."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from analysis.indicators import Difference, Figure

from ..timeutil import local
from .figures import DIMENSION_NAMES, MODE_NAMES, ROLE_NAMES

# The same wording as the office's urgent inbox (and so the same translations).
REASON_NAMES = {"self_harm": _l("Self-harm risk"), "violence": _l("Violence"), "bribery": _l("Bribery"),
                "theft": _l("Theft"), "privacy": _l("Privacy breach"), "safety": _l("Patient safety")}


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def interval(figure: Figure) -> str:
    if figure.low is None:
        return ""
    return f"{figure.low * 100:.1f}–{figure.high * 100:.1f}"


def points(diff: Difference | None) -> str:
    """A difference of shares in percentage points, signed."""
    if diff is None or diff.value is None:
        return "–"
    return f"{diff.value * 100:+.1f}"


def diff_interval(diff: Difference | None) -> str:
    if diff is None or diff.low is None:
        return ""
    return f"[{diff.low * 100:+.1f}, {diff.high * 100:+.1f}]"


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return local(moment).strftime("%Y-%m-%d %H:%M")


def score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def endpoint_url(endpoint: str, **values) -> str | None:
    """The URL of ENDPOINT, or None when that page does not exist (another team's page not yet there)."""
    from flask import current_app, url_for

    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def template_helpers() -> dict:
    from analysis.deidentify import deidentify

    from ..i18n import theme_name

    return {"pct": pct, "interval": interval, "points": points, "diff_interval": diff_interval,
            "local_time": local_time, "endpoint_url": endpoint_url,
            "REASON_NAMES": REASON_NAMES, "deidentify": deidentify, "score": score, "theme_name": theme_name, "MODE_NAMES": MODE_NAMES,
            "ROLE_NAMES": ROLE_NAMES, "DIMENSION_NAMES": DIMENSION_NAMES}
