"""The staff survey end to end: anonymous links, the defences, results only for groups of 10, export, and
the office moving a staff comment onto the problem list."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from survey_web import banks
from survey_web.extensions import db as _db
from survey_web.models import (
    Comment,
    ProblemItem,
    ProblemList,
    Response,
    StaffComment,
    StaffResponse,
)
from survey_web.staff_survey import service
from survey_web.staff_survey.results import results

from ...conftest import hidden_fields
from ...world import login, make_world
from .world import SCORES, answer, fill, open_round, unit


def count(model) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_a_staff_member_answers_anonymously(db, client):
    """The link opens without sign-in; the answer is stored with its unit, category and day only."""
    world = make_world()
    survey = open_round(world)
    reply = answer(client, unit(survey, "CARD").token, "nurse", "夜班太多，人手严重不足，绩效分配不透明。")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/thanks")
    stored = db.session.scalar(select(StaffResponse))
    assert (stored.category, stored.unit.code) == ("nurse", "CARD")
    assert {c["name"] for c in inspect(db.engine).get_columns("staff_responses")} == {
        "id", "unit_id", "bank_version_id", "category", "language", "submitted_on", "submission_key"}
    assert stored.comment.themes == ["workload", "pay", "management"]
    assert count(Response) == 0 and count(Comment) == 0  # nothing reaches the patient tables
    assert "staff_answered" in reply.headers.get("Set-Cookie", "")
    thanks = client.get(reply.headers["Location"])
    assert "感谢您的坦诚反馈" in thanks.get_data(as_text=True)


def test_the_form_asks_no_contact_and_the_same_phone_only_once(db, client):
    """No phone field on the staff form; after answering, the same phone is told it has answered."""
    world = make_world()
    survey = open_round(world)
    token = unit(survey, "ORTH").token
    page = client.get(f"/staff-survey/{token}").get_data(as_text=True)
    assert 'name="contact"' not in page and "医务人员满意度调查" in page
    assert answer(client, token, "doctor").status_code == 302
    again = client.get(f"/staff-survey/{token}")
    assert again.status_code == 409
    assert count(StaffResponse) == 1


def test_a_missing_staff_group_keeps_every_answer(db, client):
    """Without the staff group the page comes back with a message and the comment as typed."""
    world = make_world()
    survey = open_round(world)
    reply = answer(client, unit(survey, "CARD").token, None, "值班室太小")
    assert reply.status_code == 422
    html = reply.get_data(as_text=True)
    assert "值班室太小" in html and "q-category" in html
    assert any('name="q_pay_level"' in tag and 'value="2"' in tag and "checked" in tag
               for tag in re.findall(r"<input[^>]*>", html))
    assert count(StaffResponse) == 0


def test_a_resent_form_and_a_bot_store_nothing_twice(db, client, app):
    """The same form sent again without the answered-cookie (a browser that dropped it) stores one
    response; a filled honeypot stores none."""
    world = make_world()
    survey = open_round(world)
    token = unit(survey, "CARD").token
    page = client.get(f"/staff-survey/{token}")
    data = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_category": "nurse"}
    assert client.post(f"/staff-survey/{token}", data=data).status_code == 302
    client.delete_cookie("staff_answered")
    assert client.post(f"/staff-survey/{token}", data=data).status_code == 302
    assert count(StaffResponse) == 1
    bot = app.test_client()
    page = bot.get(f"/staff-survey/{token}")
    data = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_category": "nurse", "website": "x"}
    assert bot.post(f"/staff-survey/{token}", data=data).status_code == 302
    assert count(StaffResponse) == 1


def test_a_tampered_or_foreign_form_token_is_refused(db, client):
    """A form token of another unit's link is refused with the answers kept."""
    world = make_world()
    survey = open_round(world)
    page = client.get(f"/staff-survey/{unit(survey, 'CARD').token}")
    data = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_category": "nurse"}
    reply = client.post(f"/staff-survey/{unit(survey, 'ORTH').token}", data=data)
    assert reply.status_code == 400
    assert count(StaffResponse) == 0


def test_a_closed_round_takes_no_more_answers(db, client):
    """Once closed, a link answers 404, and unknown tokens never reach the database."""
    world = make_world()
    survey = open_round(world)
    token = unit(survey, "CARD").token
    service.close_round(survey)
    db.session.commit()
    assert client.get(f"/staff-survey/{token}").status_code == 404
    assert client.get("/staff-survey/not-a-token!").status_code == 404


def test_patient_pages_never_meet_the_staff_bank(db):
    """The staff bank is loaded apart: no patient survey point, figure or problem list sees it."""
    assert "staff" not in banks.all_current()
    assert banks.staff_current().respondent == "staff"


def test_results_only_for_groups_of_ten(db):
    """12 nurses in 心内科, 4 doctors in 骨科, 3 in 财务科: 骨科 merges into the clinical division, 财务科
    (a division under 10) into the hospital; no figure rests on fewer than 10 responses."""
    world = make_world()
    survey = open_round(world)
    fill(survey, {("CARD", "nurse"): 12, ("ORTH", "doctor"): 4, ("FIN", "admin"): 3})
    service.close_round(survey)
    db.session.commit()
    res = results(survey)
    assert res.total == 19
    assert [row.figure.n for row in res.cells] == [19]
    assert all(row.figure.n >= 10 for row in res.views)
    assert [row.figure.n for row in res.views] == [19]  # only the whole hospital
    assert res.views[0].figure.share("pay") == 0.5  # pay_level 2, pay_fairness 4


def test_the_dashboard_section_is_for_the_office_only(db, client):
    """质控办 sees the closed round's groups; a department head is refused; an open round shows a count."""
    world = make_world()
    survey = open_round(world)
    fill(survey, {("CARD", "nurse"): 11, ("ORTH", "nurse"): 10, ("ORTH", "doctor"): 2})
    login(client, "card")
    assert client.get("/dashboard/staff-survey").status_code == 403
    client.get("/staff/logout")
    client2 = client.application.test_client()
    login(client2, "quality")
    page = client2.get("/dashboard/staff-survey").get_data(as_text=True)
    assert "23" in page and "工作负荷" not in page  # open: a count and the links, no figures
    service.close_round(survey)
    db.session.commit()
    page = client2.get("/dashboard/staff-survey").get_data(as_text=True)
    assert "心内科" in page and "骨科" in page
    export = client2.get(f"/dashboard/staff-survey/{survey.id}.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    counts = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[2], int)]
    assert counts and min(counts) >= 10


def test_another_hospitals_office_sees_nothing(db, client):
    """H2's 质控办 cannot open H1's round."""
    world = make_world()
    survey = open_round(world)
    login(client, "quality2")
    assert client.get(f"/dashboard/staff-survey?round={survey.id}").status_code == 404
    assert client.get(f"/dashboard/staff-survey/{survey.id}.xlsx").status_code == 404


def test_the_office_moves_a_staff_comment_onto_the_problem_list(db, client):
    """A staff comment stays off the problem list until the office moves it; then it is a manual draft."""
    world = make_world()
    survey = open_round(world)
    fill(survey, {("CARD", "nurse"): 10}, comment="急诊晚上经常有人闹事，希望增加安保力量。")
    service.close_round(survey)
    db.session.add(ProblemList(hospital_id=world.h1.id, scope_key=0, month="2026-11"))
    db.session.commit()
    assert count(ProblemItem) == 0
    login(client, "quality")
    page = client.get("/dashboard/staff-survey").get_data(as_text=True)
    comment = db.session.scalars(select(StaffComment)).first()
    reply = client.post(f"/dashboard/staff-survey/comments/{comment.id}/move",
                        data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert reply.status_code == 302
    item = db.session.scalar(select(ProblemItem))
    assert item.source == "manual" and "安保力量" in item.problem
    db.session.refresh(comment)
    assert comment.problem_item_id == item.id
    client.post(f"/dashboard/staff-survey/comments/{comment.id}/move",
                data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert count(ProblemItem) == 1


def test_moving_needs_a_csrf_token(db, client):
    world = make_world()
    survey = open_round(world)
    fill(survey, {("CARD", "nurse"): 10}, comment="食堂饭菜太单一")
    service.close_round(survey)
    db.session.commit()
    login(client, "quality")
    comment = db.session.scalars(select(StaffComment)).first()
    assert client.post(f"/dashboard/staff-survey/comments/{comment.id}/move").status_code == 400


def test_cli_opens_lists_prints_and_closes_a_round(db, app, tmp_path):
    """`flask staff-survey open/links/close`: one link per department, a QR sheet, and a closed round."""
    make_world()
    runner = app.test_cli_runner()
    opened = runner.invoke(args=["staff-survey", "open", "H1", "2027"])
    assert opened.exit_code == 0, opened.output
    listed = runner.invoke(args=["staff-survey", "links", "H1", "2027", "--qr", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("http://survey.test/staff-survey/") == 2
    sheet = (tmp_path / "print-a4.html").read_text(encoding="utf-8")
    assert "2027" in sheet and "心内科" in sheet and sheet.count("<svg") == 2
    assert runner.invoke(args=["staff-survey", "open", "H1", "2027"]).exit_code != 0
    assert runner.invoke(args=["staff-survey", "close", "H1", "2027"]).exit_code == 0
    assert runner.invoke(args=["staff-survey", "links", "H1", "2099"]).exit_code != 0


def test_too_quick_and_rate_limited_answers_are_kept_not_lost(make_app, db):
    """Too quick: asked again with the answers kept, then accepted; past the per-link limit: asked to wait."""
    app = make_app(MIN_FILL_SECONDS=60, RATE_LIMIT_POINT="1/minute")
    with app.app_context():
        survey = open_round(make_world())
        token = unit(survey, "CARD").token
        client = app.test_client()
        quick = answer(client, token, "doctor", "绩效不透明")
        assert quick.status_code == 422 and "绩效不透明" in quick.get_data(as_text=True)
        data = {**hidden_fields(quick.get_data(as_text=True)), **SCORES, "q_category": "doctor",
                "q_suggestions": "绩效不透明"}
        assert client.post(f"/staff-survey/{token}", data=data).status_code == 302
        other = app.test_client()
        page = other.get(f"/staff-survey/{token}")
        first_try = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_category": "nurse"}
        first = other.post(f"/staff-survey/{token}", data=first_try)
        data = {**hidden_fields(first.get_data(as_text=True)), **SCORES, "q_category": "nurse"}
        limited = other.post(f"/staff-survey/{token}", data=data)
        assert limited.status_code == 429 and "请稍等一分钟" in limited.get_data(as_text=True)
        assert any('value="nurse"' in tag and "checked" in tag
                   for tag in re.findall(r"<input[^>]*>", limited.get_data(as_text=True)))
        assert count(StaffResponse) == 1


@pytest.mark.parametrize(("lang", "expected"), [("zh_TW", "醫務人員滿意度調查"), ("en", "Staff satisfaction survey")])
def test_the_staff_survey_speaks_the_chosen_language(db, client, lang, expected):
    """?lang= switches the form; the response records the language."""
    world = make_world()
    survey = open_round(world)
    token = unit(survey, "ORTH").token
    page = client.get(f"/staff-survey/{token}?lang={lang}")
    assert expected in page.get_data(as_text=True)
    data = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_category": "admin"}
    assert client.post(f"/staff-survey/{token}?lang={lang}", data=data).status_code == 302
    assert db.session.scalar(select(StaffResponse.language)) == lang


def test_the_office_hands_out_links_and_qr_codes_while_a_round_is_open(db, client):
    """An open round lists each department's link and serves its QR code as a PNG; a closed one does not."""
    world = make_world()
    survey = open_round(world)
    login(client, "quality")
    page = client.get("/dashboard/staff-survey").get_data(as_text=True)
    card = unit(survey, "CARD")
    assert f"http://survey.test/staff-survey/{card.token}" in page and "财务科" in page
    png = client.get(f"/dashboard/staff-survey/{survey.id}/CARD.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(f"/dashboard/staff-survey/{survey.id}/NOPE.png").status_code == 404
    service.close_round(survey)
    db.session.commit()
    assert client.get(f"/dashboard/staff-survey/{survey.id}/CARD.png").status_code == 404
    assert card.token not in client.get("/dashboard/staff-survey").get_data(as_text=True)


def test_staff_comment_text_goes_after_the_retention_period(db, app):
    """The retention purge empties staff comments past RETENTION_COMMENT_DAYS; scores, themes and results stay."""
    from datetime import UTC, date, datetime

    from survey_web.privacy.retention import purge

    world = make_world()
    survey = open_round(world)
    fill(survey, {("CARD", "nurse"): 2}, comment="夜班太多，人手严重不足。")
    db.session.commit()
    old, new = db.session.scalars(select(StaffResponse).order_by(StaffResponse.id)).all()
    old.submitted_on = date(2022, 1, 3)
    db.session.commit()
    now = datetime(2026, 1, 5, tzinfo=UTC)  # 2022-01-03 is past three years, the other one is not
    new.submitted_on = date(2025, 12, 1)
    db.session.commit()
    assert purge(now)["staff_comments"] == 1
    texts = dict(db.session.execute(select(StaffComment.response_id, StaffComment.text)).all())
    assert texts == {old.id: "", new.id: "夜班太多，人手严重不足。"}
    assert db.session.get(StaffComment, old.comment.id).themes == ["workload"]
    assert purge(now)["staff_comments"] == 0
