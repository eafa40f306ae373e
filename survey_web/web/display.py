"""How staff pages show times and dates (hospital-local) and theme names."""

from __future__ import annotations

from flask_babel import format_date, format_datetime

from ..i18n import theme_name as theme_label  # noqa: F401 - the office templates' name for it
from ..timeutil import local


def show_dt(value) -> str:
    """A stored time as hospital-local 'YYYY-MM-DD HH:MM' ('' for None)."""
    return format_datetime(local(value), "yyyy-MM-dd HH:mm") if value else ""


def show_date(value) -> str:
    """A date as 'YYYY-MM-DD' ('' for None)."""
    return format_date(value, "yyyy-MM-dd") if value else ""
