"""Months and days as the hospital lives them (Asia/Shanghai), stored as UTC.

`reporting.periods` builds its Month, Day and HalfYear on the same zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from analysis.problem_list import month_str, parse_month, shift_month

# The one home of the hospital's zone: the reporting periods, the office's months and every shown time use it.
HOSPITAL_ZONE = ZoneInfo("Asia/Shanghai")


def zone() -> ZoneInfo:
    """The hospital's time zone (config's BABEL_DEFAULT_TIMEZONE is the same zone, for Babel's formatting)."""
    return HOSPITAL_ZONE


def as_utc(value: datetime | None) -> datetime | None:
    """VALUE as an aware UTC datetime; SQLite hands back naive ones, which are UTC by convention."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    """VALUE in the hospital's time zone."""
    value = as_utc(value)
    return value.astimezone(zone()) if value else None


def today() -> date:
    """Today's date at the hospital."""
    return datetime.now(zone()).date()


def this_month() -> str:
    """The current month at the hospital, 'YYYY-MM'."""
    return month_str(today())


def previous_month() -> str:
    """The month before the current one, 'YYYY-MM'."""
    return shift_month(this_month(), -1)


def month_window(month: str) -> tuple[datetime, datetime]:
    """[start, end) of MONTH at the hospital, in UTC (what the database compares against)."""
    start = datetime.combine(parse_month(month), time(), tzinfo=zone())
    end = datetime.combine(parse_month(shift_month(month, 1)), time(), tzinfo=zone())
    return start.astimezone(UTC), end.astimezone(UTC)


def valid_month(text: str | None) -> str | None:
    """TEXT if it is a YYYY-MM month, else None."""
    try:
        return month_str(parse_month(text or ""))
    except ValueError:
        return None
