"""`flask complaints import-hotline` and `export-hotline-replies`: the report, the exit status, the replies file."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey_web.complaints import cases
from survey_web.complaints.hotline import formats, samples
from survey_web.models import ComplaintCase, HotlineOrder

from ...world import make_world
from .files import FORMULA, with_bad_rows

FMT = formats.get("12345")


@pytest.fixture
def world(app, db):
    return make_world()


def run(app, *args):
    return app.test_cli_runner().invoke(args=["complaints", *args])


def test_import_reports_each_bad_row_in_chinese_and_exits_1(app, world, db, tmp_path):
    """Six bad rows, each 'row N: column reason' in Chinese; six cases stored; re-import adds nothing."""
    records, bad = with_bad_rows()
    path = tmp_path / "12345工单.csv"
    path.write_bytes(samples.to_csv(FMT, records, "gbk"))
    result = run(app, "import-hotline", str(path), "--hospital", "H1")
    assert result.exit_code == 1, result.output
    assert "12 行，导入 6 条" in result.output and "6 行有问题" in result.output
    assert "第 5 行，来电时间：“2026-13-45 25:00” 不是有效的日期时间" in result.output
    assert f"第 7 行，工单编号：{records[4]['order_no']} 重复出现（首次在第 6 行），此行未导入" in result.output
    assert "第 8 行，涉及单位/科室：“测试市人民医院/皮肤科” 不是本院科室" in result.output
    assert records[0]["phone"] not in result.output
    assert db.session.scalar(select(func.count()).select_from(ComplaintCase)) == 6
    again = run(app, "import-hotline", str(path), "--hospital", "H1", "--lang", "en")
    assert "0 imported, 6 imported before (skipped)" in again.output
    assert db.session.scalar(select(func.count()).select_from(ComplaintCase)) == 6


def test_check_only_stores_nothing_and_a_bad_file_exits_2(app, world, db, tmp_path):
    """--check prints the report and stores nothing; an .xls file exits 2 with the reason."""
    records, _bad = with_bad_rows()
    path = tmp_path / "a.xlsx"
    path.write_bytes(samples.to_xlsx(FMT, records))
    result = run(app, "import-hotline", str(path), "--hospital", "H1", "--check", "--lang", "en")
    assert result.exit_code == 1 and "Nothing was stored" in result.output
    assert db.session.scalar(select(func.count()).select_from(ComplaintCase)) == 0
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 old")
    result = run(app, "import-hotline", str(old), "--hospital", "H1", "--lang", "en")
    assert result.exit_code == 2 and ".xlsx" in result.output


def test_replies_export_in_the_platform_shape_with_formulas_defused(app, world, db, tmp_path):
    """The replied orders: the import's headings plus 办理结果/答复内容/答复时间/承办人, caller masked, a
    formula-like text kept as text; exported once unless --all."""
    records, _bad = with_bad_rows()
    path = tmp_path / "a.xlsx"
    path.write_bytes(samples.to_xlsx(FMT, records))
    run(app, "import-hotline", str(path), "--hospital", "H1")
    quality = world.users["quality"]
    for order in db.session.scalars(select(HotlineOrder)):
        cases.record_outcome(order.case, "已向患者解释并整改", by=quality)
        cases.reply(order.case, "=HYPERLINK(\"http://x\")已电话答复" if order.case.text == FORMULA else "已电话答复",
                    by=quality)
    db.session.commit()
    out = tmp_path / "reply.xlsx"
    result = run(app, "export-hotline-replies", "--format", "12345", "--out", str(out), "--hospital", "H1")
    assert result.exit_code == 0 and "6 replies" in result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["工单编号", "来电时间", "诉求内容", "办理时限", "诉求人", "联系电话", "涉及单位/科室",
                             "工单类型", "办理结果", "答复内容", "答复时间", "承办人"]
    assert {r[0] for r in rows[1:]} == {o.order_no for o in db.session.scalars(select(HotlineOrder))}
    formula_row = next(r for r in rows[1:] if "cmd" in r[2])
    assert formula_row[2] == "'" + FORMULA and formula_row[9].startswith("'=HYPERLINK")
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value)
    assert all("*" in r[5] and "*" in r[4] for r in rows[1:])
    again = run(app, "export-hotline-replies", "--format", "12345", "--out", str(out), "--hospital", "H1")
    assert again.exit_code == 0 and "0 replies" in again.output, "exported once"
    csv_out = tmp_path / "reply.csv"
    run(app, "export-hotline-replies", "--format", "12345", "--out", str(csv_out), "--all", "--hospital", "H1")
    table = list(csv.reader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig"))))
    assert len(table) == 7 and table[0][0] == "工单编号"
