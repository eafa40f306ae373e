"""The quarterly complaint analysis (page, XLSX, PDF) and the handling figures per department."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from survey_web.complaints import cases, quarterly
from survey_web.complaints.classify import set_staff_themes
from survey_web.extensions import db as _db
from survey_web.reporting.periods import Quarter

from .world import add_case, complaint_world, login


@pytest.fixture
def world(app, db):
    w = complaint_world()
    office = w.users["tsb"]
    # Q3 2026: two attitude complaints in CARD (recurring), one billing complaint in ORTH by letter.
    for day, text in ((3, "护士态度恶劣"), (20, "医生说话很冲")):
        case = add_case(w, w.card, text=text, received_at=datetime(2026, 8, day, 2, 0, tzinfo=UTC))
        set_staff_themes(case, {"attitude": "neg"})
        cases.reply(case, "已致歉", by=office, at=case.received_at + timedelta(hours=20 if day == 3 else 300))
    billing = add_case(w, w.orth, text="收费重复", channel="letter", received_at=datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
    set_staff_themes(billing, {"billing": "neg"})
    # Q2: one attitude complaint in CARD, so attitude in CARD recurs across quarters as well.
    before = add_case(w, w.card, text="挂号员态度差", received_at=datetime(2026, 5, 5, 2, 0, tzinfo=UTC))
    set_staff_themes(before, {"attitude": "neg"})
    _db.session.commit()
    return w


def test_quarterly_analysis_counts_channels_departments_themes_and_recurring_problems(app, world):
    """Q3: 3 cases; CARD's two attitude complaints recur (and CARD had one in Q2); on-time 1 of 3 decided
    (one reply in 20 h, one in 300 h after the deadline, one still open past its deadline)."""
    with app.test_request_context():
        analysis = quarterly.analyse({world.h1.id}, Quarter(2026, 3))
        assert analysis.now.overall.cases == 3 and analysis.before.overall.cases == 1
        assert analysis.now.by_channel == {"phone": 2, "letter": 1}
        assert analysis.now.overall.on_time == 1 and analysis.now.overall.late == 2
        [recurring] = [r for r in analysis.recurring if r.theme == "attitude"]
        assert (recurring.department, recurring.cases, recurring.previous) == ("心内科", 2, 1)
        assert not [r for r in analysis.recurring if r.theme == "billing"]  # once, and not last quarter
        card = next(h for d, h in analysis.now.by_department if d and d.code == "CARD")
        assert card.median_hours == pytest.approx(160.0)


def test_quarterly_page_and_files(app, world):
    """The page shows the sections; XLSX and PDF download with the same sections."""
    client = app.test_client()
    login(client, "tsb")
    page = client.get("/complaints/quarterly?quarter=2026Q3").get_data(as_text=True)
    for heading in ("按渠道", "各科室", "反复出现的问题", "心内科"):
        assert heading in page
    xlsx = client.get("/complaints/quarterly?quarter=2026Q3&format=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    assert len(book.sheetnames) == 5 and "反复出现的问题" in book.sheetnames[4]
    pdf = client.get("/complaints/quarterly?quarter=2026Q3&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/complaints/quarterly?quarter=2026Q9").status_code == 400
    login(card := app.test_client(), "card")
    assert card.get("/complaints/quarterly").status_code == 403


def test_figures_per_department_for_the_office_and_per_hospital_for_the_commission(app, world):
    """The office sees CARD's on-time rate; the commission sees only the hospital's counts and rate."""
    office = app.test_client()
    login(office, "tsb")
    page = office.get("/complaints/stats?quarter=2026Q3").get_data(as_text=True)
    assert "心内科" in page and "50%" in page  # CARD: 1 on time of 2 decided
    commission = app.test_client()
    login(commission, "commission")
    figures = commission.get("/complaints/stats?quarter=2026Q3").get_data(as_text=True)
    assert world.h1.name in figures and "33%" in figures
    assert "心内科" not in figures and "护士态度恶劣" not in figures


def test_the_dashboard_shows_complaint_handling_per_department(app, world):
    """August 2026 on the dashboard: CARD's two cases, one on time of two decided; a department head sees
    only their own department's row."""
    client = app.test_client()
    login(client, "quality")
    page = client.get("/dashboard/?month=2026-08").get_data(as_text=True)
    panel = page.split('id="complaint-handling"')[1].split("</section>")[0]
    assert "心内科" in panel and "50% (1/2)" in panel
    orth = app.test_client()
    login(orth, "orth")
    panel = orth.get("/dashboard/?month=2026-08").get_data(as_text=True).split('id="complaint-handling"')[1]
    assert "心内科" not in panel.split("</section>")[0]
