"""Reporting periods: Beijing-time months and the half-years of the 阶段性工作总结."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_web.reporting.periods import HalfYear, Month


def test_month_bounds_are_beijing_midnights_in_utc():
    """October 2025 runs from 30 Sep 16:00 UTC to 31 Oct 16:00 UTC."""
    month = Month.parse("2025-10")
    assert month.start == datetime(2025, 9, 30, 16, tzinfo=UTC) and month.end == datetime(2025, 10, 31, 16, tzinfo=UTC)
    assert Month.of(datetime(2025, 10, 31, 16, 30, tzinfo=UTC)) == Month(2025, 11)
    assert [str(m) for m in Month(2026, 1).range(3)] == ["2025-11", "2025-12", "2026-01"]
    assert len(Month(2024, 2).days()) == 29
    for bad in ("2025-13", "2025-1", "25-10", "", "2025/10"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_half_years_end_before_their_due_dates():
    """Due 10 June: December to May; due 10 December: June to November; the latest is the last complete one."""
    first = HalfYear.parse("2026H1")
    assert [str(m) for m in (first.months[0], first.months[-1])] == ["2025-12", "2026-05"] and first.due == "2026-06-10"
    second = HalfYear.parse("2026h2")
    assert [str(m) for m in (second.months[0], second.months[-1])] == ["2026-06", "2026-11"]
    assert first.previous() == HalfYear(2025, 2) and second.previous() == first
    assert HalfYear.latest(datetime(2026, 6, 3, tzinfo=UTC)) == first
    assert HalfYear.latest(datetime(2026, 5, 31, tzinfo=UTC)) == HalfYear(2025, 2)
    assert HalfYear.latest(datetime(2026, 12, 1, tzinfo=UTC)) == second
    with pytest.raises(ValueError):
        HalfYear.parse("2026H3")
