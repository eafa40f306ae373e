"""Every row of a hotline export checked before anything is stored: the good orders and, for each bad
row, its number, column and reason (a code the pages and the CLI word in the user's language)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ...forms import clean_text
from ...timeutil import zone
from .reading import Sheet

LIMITS = {"order_no": 64, "text": 3000, "caller": 50, "phone": 40, "department": 100, "order_type": 30}
ORDER_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{3,63}$")
PHONE = re.compile(r"^\+?[0-9*][0-9*\- ()]{4,39}$")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分", "%Y%m%d%H%M%S")
DAY_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d")
EXCEL_EPOCH = datetime(1899, 12, 30)
BRACKETS = re.compile(r"[（(][^）)]*[）)]")
WARD_SUFFIX = re.compile(r"(病区|病房)$")
SEPARATORS = re.compile(r"[/／\\|｜\-—－·>＞]+")


@dataclass(frozen=True)
class Problem:
    """Why row ROW (as numbered in the file; 0 for the file) cannot be stored: CODE in COLUMN."""

    row: int
    column: str
    code: str
    value: str = ""
    other_row: int | None = None


@dataclass(frozen=True)
class Order:
    """One good row: times aware UTC, text cleaned, department resolved (None: the hospital as a whole)."""

    row: int
    order_no: str
    called_at: datetime
    due_at: datetime
    text: str
    caller: str | None = None
    phone: str | None = None
    department_id: int | None = None
    department_text: str | None = None
    order_type: str | None = None


@dataclass
class Checked:
    orders: list[Order] = field(default_factory=list)  # good and new
    problems: list[Problem] = field(default_factory=list)
    already: list[Order] = field(default_factory=list)  # good but imported before (skipped, not an error)
    rows: int = 0

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


class Departments:
    """Resolves 涉及单位/科室 text to a department of the hospital by name or code, with or without the
    hospital's own name in front ("市一院/心内科", "市一院心内科")."""

    def __init__(self, hospital_name: str, departments: Iterable[tuple[int, str, str]]):
        self.hospital = hospital_name.strip()
        self.by_key = {}
        for dept_id, code, name in departments:
            self.by_key[code.strip().lower()] = dept_id
            self.by_key[name.strip().lower()] = dept_id
            # "心血管内科病区（5楼）" is "心血管内科" to the platform.
            self.by_key.setdefault(WARD_SUFFIX.sub("", BRACKETS.sub("", name).strip()).lower(), dept_id)

    def resolve(self, text: str) -> tuple[bool, int | None]:
        """(known, department id); an empty value or the hospital's own name is known, with no department."""
        value = text.strip()
        if not value or value == self.hospital:
            return True, None
        if value.startswith(self.hospital):
            value = value[len(self.hospital):]
        parts = [p.strip() for p in SEPARATORS.split(value) if p.strip() and p.strip() != self.hospital]
        for candidate in [value.strip(), *reversed(parts)]:
            found = self.by_key.get(candidate.lower())
            if found is not None:
                return True, found
        return False, None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return clean_text(str(value))


def _when(value, end_of_day: bool) -> datetime | None:
    """A cell as a naive hospital-local datetime (a date alone, or a deadline at midnight: the day's start,
    or its end for a deadline)."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(zone()).replace(tzinfo=None)
        # A spreadsheet has no plain dates: a deadline at exactly midnight is that day's date.
        return _when(value.date(), end_of_day) if end_of_day and value.time() == time() else value
    if isinstance(value, date):
        return datetime.combine(value, time.max.replace(microsecond=0) if end_of_day else time())
    if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel serial date in a CSV
        return EXCEL_EPOCH + timedelta(days=float(value))
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return _when(datetime.strptime(text, pattern), end_of_day)
        except ValueError:
            pass
    for pattern in DAY_FORMATS:
        try:
            return _when(datetime.strptime(text, pattern).date(), end_of_day)
        except ValueError:
            pass
    return None


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=zone()).astimezone(UTC)


def check(sheet: Sheet, departments: Departments, existing: set[str], now: datetime) -> Checked:
    """Check every row of SHEET; EXISTING holds the order numbers already imported, NOW (aware) bounds
    the call times. Nothing is stored here."""
    fmt, columns, result = sheet.fmt, sheet.columns, Checked(rows=len(sheet.rows))
    first_seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        def cell(name, cells=cells):
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        problems: list[Problem] = []

        def bad(name, code, value="", other_row=None, number=number, problems=problems):
            problems.append(Problem(number, fmt.heading(name), code, str(value)[:60], other_row))

        values = {name: _text(cell(name)) for name in columns}
        for name, limit in LIMITS.items():
            if len(values.get(name, "")) > limit:
                bad(name, "too_long", f"{len(values[name])}/{limit}")
        for name in fmt.required:
            if not values.get(name):
                bad(name, "missing")
        order_no = values.get("order_no", "")
        if order_no and len(order_no) <= LIMITS["order_no"]:
            if not ORDER_NO.match(order_no):
                bad("order_no", "bad_order_no", order_no)
            elif order_no in first_seen:
                bad("order_no", "duplicate_in_file", order_no, first_seen[order_no])
            else:
                first_seen[order_no] = number
        called = _when(cell("called_at"), end_of_day=False) if values.get("called_at") else None
        due = _when(cell("due_at"), end_of_day=True) if values.get("due_at") else None
        if values.get("called_at") and called is None:
            bad("called_at", "bad_date", values["called_at"])
        elif called and (called.year < 2000 or _utc(called) > now + timedelta(days=1)):
            bad("called_at", "implausible_date", values["called_at"])
        if values.get("due_at") and due is None:
            bad("due_at", "bad_date", values["due_at"])
        elif due and called and due < called:
            bad("due_at", "due_before_call", values["due_at"])
        phone = values.get("phone", "")
        if phone and len(phone) <= LIMITS["phone"] and not PHONE.match(phone):
            bad("phone", "bad_phone")  # the value is personal data: not repeated in the report
        known, department_id = departments.resolve(values.get("department", ""))
        if not known and len(values.get("department", "")) <= LIMITS["department"]:
            bad("department", "unknown_department", values["department"])
        if problems:
            result.problems.extend(problems)
            continue
        order = Order(row=number, order_no=order_no, called_at=_utc(called), due_at=_utc(due),
                      text=values["text"], caller=values.get("caller") or None, phone=phone or None,
                      department_id=department_id, department_text=values.get("department") or None,
                      order_type=values.get("order_type") or None)
        (result.already if order_no in existing else result.orders).append(order)
    return result
