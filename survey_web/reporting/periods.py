"""Reporting periods: calendar months and half-years in Asia/Shanghai time, as UTC bounds for queries.

A response submitted at 23:30 on 31 October Beijing time belongs to October, although it is stored as
15:30 UTC; every month boundary is therefore made in Asia/Shanghai and converted to UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..timeutil import HOSPITAL_ZONE as SHANGHAI

# Years a report can cover: datetime stops at 9999, so 9999-12 has no end, and 20255 is a typo, not a year.
YEARS = range(2000, 3000)


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2025-10' -> Month(2025, 10); ValueError otherwise."""
        try:
            year, month = text.strip().split("-")
            if len(year) != 4 or len(month) != 2:
                raise ValueError
            value = cls(int(year), int(month))
        except (ValueError, AttributeError):
            raise ValueError(f"not a month (YYYY-MM): {text!r}") from None
        if not 1 <= value.month <= 12 or value.year not in YEARS:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return value

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The Beijing-time month MOMENT falls in."""
        local = moment.astimezone(SHANGHAI)
        return cls(local.year, local.month)

    @classmethod
    def current(cls) -> Month:
        return cls.of(now_utc())

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def shift(self, by: int) -> Month:
        index = self.year * 12 + self.month - 1 + by
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        """First instant of the month (UTC)."""
        return datetime(self.year, self.month, 1, tzinfo=SHANGHAI).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """First instant of the next month (UTC); the month is [start, end)."""
        return self.shift(1).start

    def closed(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        """True once the month ended at least GRACE before NOW."""
        return self.end + grace <= now

    def range(self, count: int) -> list[Month]:
        """COUNT months ending with this one, oldest first."""
        return [self.shift(i) for i in range(1 - count, 1)]

    def days(self) -> list[Day]:
        first = date(self.year, self.month, 1)
        following = date(self.shift(1).year, self.shift(1).month, 1)
        return [Day(first + timedelta(days=i)) for i in range((following - first).days)]


@dataclass(frozen=True, order=True)
class Day:
    """One Beijing-time day: the running month is cached day by day."""

    day: date

    def __str__(self) -> str:
        return self.day.isoformat()

    @property
    def start(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=SHANGHAI).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return Day(self.day + timedelta(days=1)).start

    def closed(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        return self.end + grace <= now


@dataclass(frozen=True, order=True)
class MonthToDate:
    """The running month from its first day through day LAST: summed once from the days' cached counts,
    so a page reads one set of cells instead of one per day."""

    month: Month
    last: Day

    def __str__(self) -> str:
        return f"{self.month}~{self.last.day.day:02d}"

    @property
    def start(self) -> datetime:
        return self.month.start

    @property
    def end(self) -> datetime:
        return self.last.end

    @property
    def days(self) -> list[Day]:
        return [d for d in self.month.days() if d <= self.last]

    def closed(self, now: datetime, grace: timedelta = timedelta(0)) -> bool:
        return self.end + grace <= now


@dataclass(frozen=True, order=True)
class HalfYear:
    """A half-year work summary (阶段性工作总结) period: the six complete months before its due date.

    The summary due on 10 June covers December to May, the one due on 10 December June to November:
    a summary can only report months that have ended.
    """

    year: int
    half: int  # 1: Dec (previous year) - May, due 10 June; 2: Jun - Nov, due 10 December

    @classmethod
    def parse(cls, text: str) -> HalfYear:
        """'2026H1' or '2026H2'."""
        try:
            year, half = text.strip().upper().split("H")
            value = cls(int(year), int(half))
        except (ValueError, AttributeError):
            raise ValueError(f"not a half-year (YYYYH1 or YYYYH2): {text!r}") from None
        if value.half not in (1, 2) or value.year not in YEARS:
            raise ValueError(f"not a half-year (YYYYH1 or YYYYH2): {text!r}")
        return value

    @classmethod
    def latest(cls, now: datetime | None = None) -> HalfYear:
        """The most recent period whose six months have all ended."""
        month = Month.of(now or now_utc())
        if month.month == 12:
            return cls(month.year, 2)
        if month.month >= 6:
            return cls(month.year, 1)
        return cls(month.year - 1, 2)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def months(self) -> list[Month]:
        last = Month(self.year, 5) if self.half == 1 else Month(self.year, 11)
        return last.range(6)

    @property
    def due(self) -> str:
        return f"{self.year}-06-10" if self.half == 1 else f"{self.year}-12-10"

    def previous(self) -> HalfYear:
        return HalfYear(self.year, 1) if self.half == 2 else HalfYear(self.year - 1, 2)

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (the complaint analysis the 投诉管理办法 asks of the office each quarter)."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q3' -> Quarter(2026, 3); ValueError otherwise."""
        try:
            year, number = text.strip().upper().split("Q")
            value = cls(int(year), int(number))
        except (ValueError, AttributeError):
            raise ValueError(f"not a quarter (YYYYQn): {text!r}") from None
        if value.quarter not in (1, 2, 3, 4) or value.year not in YEARS:
            raise ValueError(f"not a quarter (YYYYQn): {text!r}")
        return value

    @classmethod
    def latest(cls, now: datetime | None = None) -> Quarter:
        """The most recent quarter that has ended."""
        month = Month.of(now or now_utc())
        index = month.year * 4 + (month.month - 1) // 3 - 1
        return cls(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def months(self) -> list[Month]:
        return Month(self.year, self.quarter * 3).range(3)

    def previous(self) -> Quarter:
        return Quarter(self.year, self.quarter - 1) if self.quarter > 1 else Quarter(self.year - 1, 4)

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end
