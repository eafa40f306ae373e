"""Working-day deadlines of complaint handling, on China's statutory calendar (holidays and 调休 weekends).

《医疗机构投诉管理办法》(国家卫生健康委员会令第3号, in force 1 April 2019), chapter 投诉接待与处理:
complaints follow 首诉负责制 and are settled on the spot where possible (第三十三条 as we read it); otherwise
"一般应当于接到投诉之日起5个工作日内向投诉人反馈相关处理情况或者处理意见", and "涉及多个科室，需组织、协调
相关部门共同研究的，应当于接到投诉之日起10个工作日内" (第三十四条 as we read it; the article numbers could
not be checked against the gazette text while this was written: verify them before quoting this in a report).
The day of receipt itself is not counted (the usual reading of "自接到投诉之日起"), so a case received on a
Friday before an ordinary weekend is due on the following Friday.

The calendar is the `chinese-calendar` package: the State Council publishes the next year's holiday
arrangement each November/December and the package releases it soon after (README: "Keeping the
holiday calendar current"). For a year it does not know yet the count falls back to Monday-Friday and the
deadline carries a warning, shown wherever the date is shown: never a silent wrong date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

SINGLE_DEPARTMENT_DAYS = 5
SEVERAL_DEPARTMENTS_DAYS = 10


@dataclass(frozen=True)
class Deadline:
    due_on: date
    working_days: int
    # Years the calendar does not know, counted as plain Monday-Friday weeks (empty when all are known).
    unknown_years: tuple[int, ...] = ()

    @property
    def warning(self) -> str | None:
        if not self.unknown_years:
            return None
        years = ", ".join(str(y) for y in self.unknown_years)
        return f"holiday calendar lacks {years}: counted Monday-Friday, check against the official arrangement"


def calendar_knows(year: int) -> bool:
    """Whether the installed holiday calendar has YEAR's statutory arrangement."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> tuple[bool, bool]:
    """(working?, known?) for DAY: statutory holidays are off, 调休 Saturdays and Sundays are on.

    Cached: the package answers in about 0.1 ms, and the list page and the watch ask about the same few
    hundred days again and again. The cache lives as long as the process, so a new package version needs a
    restart, as any upgrade does."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: date, days: int) -> Deadline:
    """The DAYS-th working day after START (START itself not counted)."""
    day, counted, unknown = start, 0, set()
    while counted < days:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        if not known:
            unknown.add(day.year)
        counted += working
    return Deadline(day, days, tuple(sorted(unknown)))


def legal_days(multi_department: bool) -> int:
    """5 working days, or 10 when several departments must act together (see the module docstring)."""
    return SEVERAL_DEPARTMENTS_DAYS if multi_department else SINGLE_DEPARTMENT_DAYS


def deadline_for(received_on: date, multi_department: bool) -> Deadline:
    """The date by which the complainant must hear the handling of a case received on RECEIVED_ON."""
    return add_working_days(received_on, legal_days(multi_department))


def working_days_between(start: date, end: date, cap: int | None = None) -> int:
    """Working days after START up to and including END (0 when END <= START); unknown years count Mon-Fri.
    With CAP the count stops once it exceeds CAP (enough to compare against a threshold, and bounded)."""
    count, day = 0, start
    while day < end and (cap is None or count <= cap):
        day += timedelta(days=1)
        count += is_working_day(day)[0]
    return count
