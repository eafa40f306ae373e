"""The problem list out of the system: `flask problem-list` JSON/XLSX/CSV, the printable page and PDF."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models.problems import ProblemList
from survey_web.problems.listexport import HEADERS

from .world import add_response, at, login, make_list, make_world


@pytest.fixture
def world(app, db):
    w = make_world()
    w.listing = make_list(
        w.h1, None, "2025-10",
        {"key": "theme:parking", "theme": "parking", "problem": "停车难，每百份问卷 12 条", "count": 12,
         "status": "closed", "measure": "开放职工停车场", "owner_office": "后勤保障部", "owner_person": "王科长",
         "deadline": date(2025, 11, 30), "measure_taken": "新增 60 个车位", "closure_evidence": "照片",
         "closed_at": at("2025-11", 20), "evidence": {"rate": 12.0, "quotes": [{"id": 1, "text": "停车太难"}]}},
        {"key": "theme:food", "theme": "food", "problem": "=cmd|' /C calc'!A0", "count": 4,
         "measure": "+SUM(A1:A9)", "owner_office": "@营养科", "status": "open", "deadline": date(2025, 11, 30)},
        {"key": "theme:nursing", "theme": "nursing", "problem": "被拒绝的草稿", "status": "rejected"},
        {"key": "theme:waiting", "theme": "waiting", "problem": "排队久（草稿）", "status": "draft", "rank": 3},
    )
    return w


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["problem-list", *args])
    assert result.exit_code == 0, result.output
    return result


def test_json_has_the_documented_shape(app, world):
    """JSON: month and items with problem, theme, department, count, measure, owner, deadline, status."""
    data = json.loads(run(app, "--month", "2025-10", "--hospital", "H1", "--format", "json").stdout)
    assert data["month"] == "2025-10" and data["hospital"] == "测试市人民医院"
    items = {item["theme"]: item for item in data["items"]}
    assert set(items) == {"parking", "food", "waiting"}, "rejected drafts are left out"
    parking = items["parking"]
    for key in ("problem", "theme", "department", "count", "measure", "owner", "deadline", "status"):
        assert key in parking
    assert (parking["owner"], parking["owner_person"], parking["deadline"], parking["status"]) == (
        "后勤保障部", "王科长", "2025-11-30", "closed")
    assert parking["closed_at"] == "2025-11-20" and parking["quotes"] == ["停车太难"]
    assert [item["no"] for item in data["items"]] == [1, 2, 3]


def test_xlsx_has_chinese_headers_is_printable_and_defends_formulas(app, world, tmp_path):
    """XLSX: the eleven Chinese headers, A4 landscape fit to width, and =/+/@ cells kept as text."""
    out = tmp_path / "list.xlsx"
    run(app, "--month", "2025-10", "--hospital", "H1", "--format", "xlsx", "-o", str(out))
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2025年10月 整改问题清单" in rows[0][0]
    header = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert tuple(rows[header]) == HEADERS
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows
    body = rows[header + 1:]
    food = next(row for row in body if row[1] == "膳食")
    assert food[2].startswith("'=cmd") and food[5] == "'+SUM(A1:A9)" and food[6] == "'@营养科"
    parking = next(row for row in body if row[1] == "停车")
    assert parking[9] == "销号" and parking[10] == "2025-11-20" and "典型意见" in parking[2]


def test_csv_has_a_bom_and_the_same_columns(app, world):
    """CSV: UTF-8 with BOM for Excel on Chinese Windows, same headers, formula cells quoted."""
    result = app.test_cli_runner().invoke(args=["problem-list", "--month", "2025-10", "--hospital", "H1",
                                                "--format", "csv"])
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADERS) and "'=cmd" in text


def test_missing_list_is_generated_and_department_lists_are_reachable(app, world):
    """Asking for a month without a list generates it; --department gives that department's list."""
    for _ in range(4):
        add_response(world.card_point, at("2025-09"), comment="饭菜凉", themes={"food": "neg"})
    result = app.test_cli_runner().invoke(args=["problem-list", "--month", "2025-09", "--hospital", "H1",
                                                "--department", "CARD"])
    assert result.exit_code == 0 and "generated the 2025-09 list" in result.stderr
    data = json.loads(result.stdout)
    assert data["department"] == "心内科" and [i["theme"] for i in data["items"]] == ["food", "food"]
    assert data["items"][1]["problem"].startswith("「饭菜凉」"), "the theme's line, then its specific problem"
    assert _db.session.scalar(select(ProblemList).where(ProblemList.month == "2025-09")).scope_key == world.card.id
    bad = app.test_cli_runner().invoke(args=["problem-list", "--month", "2025-9", "--hospital", "H1"])
    assert bad.exit_code != 0 and "not a month" in bad.output
    ambiguous = app.test_cli_runner().invoke(args=["problem-list", "--month", "2025-10"])
    assert ambiguous.exit_code != 0 and "--hospital" in ambiguous.output


def test_generate_command_is_idempotent(app, world):
    """`flask problem-list generate` creates each list once; running it again reports them as existing."""
    add_response(world.orth_point, at("2025-09"), comment="病房吵", themes={"environment": "neg"})
    first = run(app, "generate", "--month", "2025-09", "--hospital", "H1").output
    second = run(app, "generate", "--month", "2025-09", "--hospital", "H1").output
    assert "H1 2025-09 hospital: created" in first and "H1 2025-09 ORTH: created" in first
    assert "created" not in second and second.count("exists") == 2


def test_printable_page_and_pdf(app, world):
    """The meeting gets a printable page with the same columns and an A4 PDF."""
    client = app.test_client()
    login(client, "quality")
    page = client.get(f"/office/problems/{world.listing.id}/print").get_data(as_text=True)
    assert all(header in page for header in HEADERS) and "制表人" in page
    assert "被拒绝的草稿" not in page
    pdf = client.get(f"/office/problems/{world.listing.id}/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = client.get(f"/office/problems/{world.listing.id}/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active.max_row >= 5
    assert client.get(f"/office/problems/{world.listing.id}/export.exe").status_code == 404


def test_tick_and_remind_commands(app, world):
    """`flask problem-list tick` generates last month's missing lists; `remind` reports reminders recorded."""
    from survey_web.timeutil import previous_month

    done = json.loads(run(app, "tick").stdout)
    assert done["month"] == previous_month() and done["enqueued"] == [world.h1.id, world.h2.id]
    assert _db.session.scalar(select(ProblemList).where(ProblemList.month == previous_month(),
                                                        ProblemList.hospital_id == world.h2.id)) is not None
    assert json.loads(run(app, "tick").stdout)["enqueued"] == []
    assert "reminders recorded" in run(app, "remind").stdout
