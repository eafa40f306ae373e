"""Reading a platform export and checking every row, before anything is stored (no database needed)."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest

from survey_web.complaints.hotline import formats, samples
from survey_web.complaints.hotline.checking import Departments, check
from survey_web.complaints.hotline.formats import FIELDS
from survey_web.complaints.hotline.reading import FileProblem, read

from .files import FORMULA, HOSPITAL, good, with_bad_rows

NOW = datetime(2026, 12, 5, 4, tzinfo=UTC)
DEPARTMENTS = Departments(HOSPITAL, [(1, "CARD", "心内科"), (2, "ORTH", "骨科")])
FMT = formats.get("12345")


@pytest.mark.parametrize("kind", ["xlsx", "utf-8-sig", "gbk"])
def test_every_bad_row_is_reported_with_its_row_and_column(kind):
    """XLSX and CSV (UTF-8 with BOM, GBK): the six bad rows, each with its row number and column."""
    records, bad = with_bad_rows()
    data = samples.to_xlsx(FMT, records) if kind == "xlsx" else samples.to_csv(FMT, records, kind)
    checked = check(read(data), DEPARTMENTS, set(), NOW)
    assert {p.row: (p.column, p.code) for p in checked.problems} == bad
    assert len(checked.orders) == 6 and checked.rows == 12
    formula = next(o for o in checked.orders if o.text == FORMULA)
    assert formula.row == 12, "a formula in the text is kept as the caller's words"


def test_a_good_order_has_utc_times_and_its_department():
    """来电时间 is hospital time (UTC+8); 'hospital/心内科' resolves to 心内科, the hospital alone to none."""
    records = good(count=3)
    records[0].update(called_at="2026/11/3 9:05", due_at="2026-11-10", department=f"{HOSPITAL}/心内科")
    records[1].update(department=HOSPITAL)
    records[2].update(department="ORTH")
    first, second, third = check(read(samples.to_csv(FMT, records)), DEPARTMENTS, set(), NOW).orders
    assert first.called_at == datetime(2026, 11, 3, 1, 5, tzinfo=UTC)
    assert first.due_at == datetime(2026, 11, 10, 15, 59, 59, tzinfo=UTC), "a date alone is due at its end"
    assert (first.department_id, second.department_id, third.department_id) == (1, None, 2)


def test_orders_imported_before_are_set_aside_not_reported():
    """An order number already stored is neither a problem nor a new order."""
    records = good(count=3)
    checked = check(read(samples.to_csv(FMT, records)), DEPARTMENTS, {records[1]["order_no"]}, NOW)
    assert [o.order_no for o in checked.already] == [records[1]["order_no"]]
    assert len(checked.orders) == 2 and not checked.problems


def test_the_12320_format_is_recognised_by_its_headings():
    """A 12320 export (转办单号, 受理时间, 反映内容 ...) under a title row is read with its own mapping."""
    fmt = formats.get("12320")
    sheet = read(samples.to_xlsx(fmt, good("12320", 2), title="12320转办工单导出 2026-11"))
    assert sheet.fmt.name == "12320" and len(sheet.rows) == 2 and sheet.rows[0][0] == 3


def test_excel_shortened_numbers_and_bad_phones_are_reported_without_the_phone():
    """1.23E+16 is not an order number; a bad phone is reported without repeating the number."""
    records = good(count=2)
    records[0]["order_no"] = "1.23452E+16"
    records[1]["phone"] = "call me 138"
    problems = check(read(samples.to_csv(FMT, records)), DEPARTMENTS, set(), NOW).problems
    assert [(p.row, p.code) for p in problems] == [(2, "bad_order_no"), (3, "bad_phone")]
    assert problems[1].value == ""


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"), (b"\xd0\xcf\x11\xe0rest of an old xls", "xls"), (b"PK\x03\x04broken", "unreadable"),
    ("姓名,电话\n张三,138\n".encode(), "no_header"), (b"\xff\xfe\x00\xd8", "encoding"),
])
def test_a_file_that_cannot_be_read_says_why(data, code):
    """Empty, .xls, a damaged workbook, no work-order header, undecodable text: one file-level reason."""
    with pytest.raises(FileProblem) as raised:
        read(data)
    assert raised.value.code == code


def test_real_date_cells_and_numeric_order_numbers_in_xlsx():
    """Platforms write 来电时间 as a date cell and sometimes 工单编号 as a number: both are read as meant."""
    records = good(count=1)
    records[0].update(order_no=2026110300017, called_at=datetime(2026, 11, 3, 9, 5),
                      due_at=datetime(2026, 11, 10).date())
    (order,) = check(read(samples.to_xlsx(FMT, records)), DEPARTMENTS, set(), NOW).orders
    assert order.order_no == "2026110300017"
    assert order.called_at == datetime(2026, 11, 3, 1, 5, tzinfo=UTC)
    assert order.due_at == datetime(2026, 11, 10, 15, 59, 59, tzinfo=UTC)


def test_a_ward_is_found_by_its_name_without_floor_or_ward_suffix():
    """'心血管内科病区（5楼）' is what the hospital calls it; the platform writes '心血管内科'."""
    wards = Departments(HOSPITAL, [(7, "CARD", "心血管内科病区（5楼）"), (8, "OPD", "门诊部")])
    assert wards.resolve(f"{HOSPITAL}/心血管内科") == (True, 7)
    assert wards.resolve("门诊部") == (True, 8) and wards.resolve("心内科") == (False, None)


def test_an_html_table_saved_as_xls_is_read_like_a_workbook():
    """The platform's ".xls" that is really an HTML page (GBK, a title row, <br> in a cell) is read as a table."""
    records = good(count=2)
    records[1]["text"] = "来电人反映：<挂号>排队久 & 无人引导"
    cells = lambda row: "".join(f"<td>{html.escape(str(v))}</td>" for v in row)  # noqa: E731
    body = "".join(f"<tr>{cells([r.get(f, '') for f in FIELDS])}</tr>" for r in records)
    page = (f"<html><head><meta charset='gbk'></head><body><table><tr><td colspan=8>12345工单导出</td></tr>"
            f"<tr>{cells(samples.headings(FMT))}</tr>{body}</table><table><tr><td>合计</td></tr></table></body></html>")
    sheet = read(page.encode("gbk"))
    assert sheet.fmt.name == "12345" and [n for n, _ in sheet.rows] == [3, 4]
    orders = check(sheet, DEPARTMENTS, set(), NOW).orders
    assert [o.order_no for o in orders] == [r["order_no"] for r in records]
    assert orders[1].text == "来电人反映：<挂号>排队久 & 无人引导"
