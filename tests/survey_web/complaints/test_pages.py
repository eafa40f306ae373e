"""The complaint pages: intake, bad input kept, who sees which case and whose contact, one-click case
from an urgent comment, the register export and the figures."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.result import Classification
from survey_web.complaints import cases
from survey_web.complaints.classify import effective_themes, save_classification
from survey_web.config import Settings
from survey_web.extensions import db as _db
from survey_web.jobs import wait_in_process
from survey_web.models import AuditEvent, ComplaintCase, UrgentAlert, utcnow

from .world import add_case, add_response, complaint_world, csrf_of, login, post


@pytest.fixture
def world(app, db):
    return complaint_world()


def _client(app, username: str):
    client = app.test_client()
    login(client, username)
    return client


def test_the_office_registers_a_complaint_and_owns_it(app, world):
    """Intake: the case is stored with its deadline, owner and encrypted contact, then classified."""
    client = _client(app, "tsb")
    reply = post(client, "/complaints/new", "/complaints/new", channel="phone", text="住院部护士态度很差，呼叫铃半小时没人来",
                 departments=[str(world.card.id)], complainant="李四", contact="139 1234 5678", contact_consent="y")
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    case = _db.session.scalar(select(ComplaintCase))
    assert case.owner_id == world.users["tsb"].id and case.channel == "phone"
    assert [d.code for d in case.departments] == ["CARD"] and case.due_on is not None
    wait_in_process(app)
    _db.session.refresh(case)
    assert case.classify_status == "done" and case.model_version
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "139****5678" in page and "13912345678" not in page.replace(" ", "")
    assert "李*" in page and "李四" not in page


def test_bad_intake_keeps_everything_entered_and_says_what_is_wrong(app, world):
    """A phone number without consent is refused with a message; the words typed are still in the form."""
    client = _client(app, "tsb")
    reply = post(client, "/complaints/new", "/complaints/new", channel="letter", text="收费处多收了我两百元",
                 contact="13812345678")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "收费处多收了我两百元" in page and 'value="13812345678"' in page
    assert 'role="alert"' in page
    assert _db.session.scalar(select(ComplaintCase)) is None


def test_department_heads_see_their_department_cases_without_contact(app, world):
    """CARD's head opens CARD's case but sees no contact; ORTH's head gets a 404; the commission a 403."""
    case = add_case(world, world.card)
    card = _client(app, "card")
    page = card.get(f"/complaints/{case.id}").get_data(as_text=True)
    assert case.number in page and "138****5678" not in page and "张*" not in page
    assert card.post(f"/complaints/{case.id}/contact", data={"csrf_token": "x"}).status_code in (400, 404)
    assert _client(app, "orth").get(f"/complaints/{case.id}").status_code == 404
    listing = _client(app, "orth").get("/complaints/").get_data(as_text=True)
    assert case.number not in listing
    commission = _client(app, "commission")
    assert commission.get("/complaints/").status_code == 403
    assert commission.get(f"/complaints/{case.id}").status_code == 403
    figures = commission.get("/complaints/stats")
    assert figures.status_code == 200 and world.h1.name in figures.get_data(as_text=True)
    assert case.text not in figures.get_data(as_text=True)


def test_a_handed_over_owner_sees_the_contact_and_revealing_it_is_audited(app, world):
    """After a hand-over the new owner (a department head) acts and sees the number; the viewing is audited."""
    case = add_case(world, world.card)
    office = _client(app, "tsb")
    page = f"/complaints/{case.id}"
    assert post(office, f"{page}/handover", page, to_user=str(world.users["card"].id), handover_note="请核实").status_code == 302
    card = _client(app, "card")
    assert "138****5678" in card.get(page).get_data(as_text=True)
    revealed = post(card, f"{page}/contact", page)
    assert "13812345678" in revealed.get_data(as_text=True)
    assert revealed.headers["Cache-Control"] == "no-store"
    assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view_contact",
                                                       AuditEvent.entity_id == case.id)) is not None
    # the office, no longer the owner, still acts (the complaint office supervises every case)
    assert post(office, f"{page}/reply", page, reply_note="已电话说明").status_code == 302


def test_closing_before_a_reply_and_an_outcome_is_refused_with_the_reason(app, world):
    """409 and the page with the reason; the case stays open."""
    case = add_case(world, world.card)
    client = _client(app, "tsb")
    page = f"/complaints/{case.id}"
    reply = post(client, f"{page}/close", page)
    assert reply.status_code == 409 and 'role="alert"' in reply.get_data(as_text=True)
    _db.session.refresh(case)
    assert case.status == "open"


def test_an_urgent_comment_becomes_a_case_in_one_click_once(app, world):
    """From the alert: a case of the comment's department, with the respondent's consented contact; a second
    click opens the same case."""
    response = add_response(world.card_point, utcnow() - timedelta(hours=1), comment="护士把药发错了，差点吃错",
                            themes={"safety": "neg"}, urgent="safety", contact="13700001111")
    alert = _db.session.scalar(select(UrgentAlert).where(UrgentAlert.comment_id == response.comment.id))
    client = _client(app, "quality")
    first = post(client, f"/complaints/from-alert/{alert.id}", f"/office/urgent/{alert.id}")
    assert first.status_code == 302
    case = _db.session.scalar(select(ComplaintCase))
    assert case.comment_id == response.comment.id and case.serious and case.channel == "survey"
    assert [d.code for d in case.departments] == ["CARD"] and case.contact_encrypted == response.contact_encrypted
    second = post(client, f"/complaints/from-alert/{alert.id}", f"/office/urgent/{alert.id}")
    assert second.headers["Location"] == first.headers["Location"]
    assert len(_db.session.scalars(select(ComplaintCase)).all()) == 1
    other = _client(app, "quality2")  # another hospital's office cannot see the alert
    assert post(other, f"/complaints/from-alert/{alert.id}", "/complaints/").status_code == 404


def test_the_register_export_has_the_usual_columns_and_masks_personal_data(app, world):
    """投诉登记: number, dates, channel, masked name and phone, departments, summary, handling, result, on time."""
    received = datetime.now(UTC) - timedelta(hours=2)
    case = add_case(world, world.card, world.orth, received_at=received)
    cases.reply(case, "已当面致歉", by=world.users["tsb"])
    cases.record_outcome(case, "窗口增加人手", by=world.users["tsb"])
    _db.session.commit()
    reply = _client(app, "tsb").get("/complaints/register.xlsx")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in values if r[0] and "编号" in str(r[0]))
    assert header[:6] == ["编号", "受理日期", "渠道", "投诉人（脱敏）", "联系方式（脱敏）", "涉及科室"]
    row = next(r for r in values if r[0] == case.number)
    assert row[3] == "张**" and row[4] == "138****5678" and row[5] == "心内科、骨科"
    assert "受理" in row[7] and row[8] == "窗口增加人手" and row[10] == "是"
    # a department head's export leaves the contact out
    card_sheet = load_workbook(io.BytesIO(_client(app, "card").get("/complaints/register.xlsx").data)).active
    card_row = next(r for r in ([c.value for c in row] for row in card_sheet.iter_rows()) if r[0] == case.number)
    assert card_row[3] == "—" and card_row[4] == "—"


def test_the_office_corrects_the_themes_and_they_count_instead_of_the_model(app, world):
    """Staff themes replace the model's in effect (kept for the record); a bad value is a 400."""
    case = add_case(world, world.card)
    save_classification(case.id, Classification(themes={"waiting": "neg"}, model_version="m1"))
    client = _client(app, "tsb")
    page = f"/complaints/{case.id}"
    assert post(client, f"{page}/themes", page, theme_attitude="neg", theme_billing="neg").status_code == 302
    _db.session.expire_all()
    case = _db.session.get(ComplaintCase, case.id)
    assert effective_themes(case) == {"attitude": "neg", "billing": "neg"}
    assert {(t.theme, t.source) for t in case.themes} == {("waiting", "model"), ("attitude", "staff"),
                                                          ("billing", "staff")}
    assert post(client, f"{page}/themes", page, theme_attitude="bad").status_code == 400
    assert _client(app, "orth").post(f"{page}/themes", data={"theme_parking": "neg"}).status_code in (400, 404)


def test_the_complaint_office_enrols_a_second_factor_and_then_lands_on_its_cases(make_app):
    """With the default TWO_FACTOR_ROLES the password alone does not reach the cases (contact details)."""
    required = Settings.__dataclass_fields__["two_factor_roles"].default
    assert "complaints" in required
    app = make_app(TWO_FACTOR_ROLES=required)
    with app.app_context():
        complaint_world()
        client = app.test_client()
        reply = login(client, "tsb")
        assert reply.headers["Location"].endswith("/staff/login/code")
        assert client.get("/complaints/").status_code == 302
        html = client.get("/staff/login/code").get_data(as_text=True)
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
        done = client.post("/staff/login/code", data={"csrf_token": csrf_of(client, "/staff/login/code"),
                                                       "code": pyotp.TOTP(secret).now()})
        assert done.status_code == 302 and done.headers["Location"].endswith("/complaints/")
        assert client.get("/complaints/").status_code == 200
