"""Working-day deadlines across the 2026 holiday calendar, 调休 weekends and a year the calendar lacks."""

from __future__ import annotations

from datetime import date

import pytest

from survey_web.complaints.deadlines import calendar_knows, deadline_for, working_days_between


def test_case_opened_the_day_before_national_day_2026_skips_the_holiday_and_counts_the_adjusted_saturday():
    """30 Sep 2026 + 5 working days: 1-7 Oct are off, Sat 10 Oct is a 调休 working day -> Tue 13 Oct."""
    deadline = deadline_for(date(2026, 9, 30), multi_department=False)
    assert deadline.due_on == date(2026, 10, 13)
    assert deadline.warning is None


def test_several_departments_get_ten_working_days_across_national_day():
    """30 Sep 2026 + 10 working days: 8, 9, 10(Sat), 12-16, 19, 20 Oct -> Tue 20 Oct."""
    assert deadline_for(date(2026, 9, 30), multi_department=True).due_on == date(2026, 10, 20)


def test_case_opened_on_an_adjusted_working_saturday_counts_from_the_next_working_day():
    """Sat 10 Oct 2026 is a working day (调休); Sunday 11 Oct is not -> due Fri 16 Oct."""
    assert deadline_for(date(2026, 10, 10), multi_department=False).due_on == date(2026, 10, 16)


def test_an_ordinary_friday_case_is_due_the_next_friday():
    """No holiday in between: Fri 13 Nov 2026 -> Fri 20 Nov."""
    assert deadline_for(date(2026, 11, 13), multi_department=False).due_on == date(2026, 11, 20)


def test_spring_festival_2026_is_skipped_and_its_adjusted_saturday_counts():
    """Fri 13 Feb 2026 + 5: Sat 14 Feb works (调休), 15-23 Feb are off, then 24-27 Feb -> Fri 27 Feb."""
    due = deadline_for(date(2026, 2, 13), multi_department=False).due_on
    assert due == date(2026, 2, 27)
    assert working_days_between(date(2026, 2, 13), due) == 5


@pytest.mark.skipif(calendar_knows(2027), reason="the installed calendar already knows 2027")
def test_a_year_the_calendar_does_not_know_gives_a_warning_not_a_silent_date():
    """A count that runs into a year without data is counted Mon-Fri and says so."""
    deadline = deadline_for(date(2026, 12, 28), multi_department=True)
    assert deadline.unknown_years == (2027,)
    assert "2027" in deadline.warning
    assert deadline.due_on == date(2027, 1, 11)  # Mon-Fri from Tue 29 Dec: 29, 30, 31, 1, 4, 5, 6, 7, 8, 11


@pytest.mark.skipif(not calendar_knows(2027), reason="the installed calendar does not have 2027 yet")
def test_national_day_2027_is_known_when_the_calendar_has_it():
    """Once the package ships 2027, 1 Oct 2027 is a holiday and no warning is given."""
    deadline = deadline_for(date(2027, 9, 30), multi_department=False)
    assert deadline.warning is None
    assert deadline.due_on > date(2027, 10, 7)
