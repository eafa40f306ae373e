"""Query-string arguments shared by the dashboard pages; a malformed value is a 400, never a guess."""

from __future__ import annotations

from flask import abort, request

from ..reporting.figures import MODES, ROLES
from ..reporting.periods import HalfYear, Month, Quarter

OFFICE = ("admin", "quality", "dept_head")


def default_month() -> Month:
    """The last complete month: the month offices review and draw the problem list from."""
    return Month.current().shift(-1)


def month_arg(name: str = "month") -> Month:
    raw = request.args.get(name)
    if not raw:
        return default_month()
    try:
        return Month.parse(raw)
    except ValueError:
        abort(400)


def half_arg() -> HalfYear:
    raw = request.args.get("period")
    if not raw:
        return HalfYear.latest()
    try:
        return HalfYear.parse(raw)
    except ValueError:
        abort(400)


def quarter_arg(default: Quarter) -> Quarter:
    raw = request.args.get("quarter")
    if not raw:
        return default
    try:
        return Quarter.parse(raw)
    except ValueError:
        abort(400)


def choice_arg(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name) or None
    if raw is not None and raw not in allowed:
        abort(400)
    return raw


def mode_arg() -> str | None:
    return choice_arg("mode", MODES)


def role_arg() -> str | None:
    return choice_arg("role", ROLES)


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        abort(400)
