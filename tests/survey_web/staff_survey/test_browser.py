"""The staff survey in chromium: a nurse answers on a phone; the office reads the demo round's results."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import StaffResponse
from survey_web.staff_survey import service

from ...browser import PHONE, axe_violations, chromium, live_server, screenshot
from ...world import PASSWORD, make_world
from .world import open_round, unit

pytestmark = pytest.mark.browser


def test_a_nurse_answers_on_a_phone(make_app):
    """The form on a 375 px phone: no sideways scroll, axe-core clean before and after a mistake, stored once."""
    app = make_app()
    with app.app_context():
        survey = open_round(make_world())
        token = unit(survey, "CARD").token
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(f"{base}/staff-survey/{token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.locator("details.contact").count() == 0
        assert axe_violations(page) == []
        screenshot(page, "staff-survey-phone")
        page.locator("#q-workload_amount label.opt").nth(3).click()  # 2 = 不满意
        page.locator("textarea").fill("夜班太多，希望增加人手。")
        page.locator("button.submit").last.click()  # no staff group, no overall answer yet
        page.wait_for_load_state()
        assert page.locator(".notice").is_visible()
        assert page.locator("textarea").input_value() == "夜班太多，希望增加人手。"
        assert axe_violations(page) == []
        screenshot(page, "staff-survey-phone-error")
        page.locator("#q-category label.opt").nth(1).click()  # 护士
        page.locator("#q-overall_work label.opt").nth(1).click()  # 4 = 满意
        page.locator("button.submit").last.click()
        page.wait_for_url("**/thanks")
        assert "感谢您的坦诚反馈" in page.content()
        assert axe_violations(page) == []
        screenshot(page, "staff-survey-phone-thanks")
        page.goto(f"{base}/staff-survey/{token}")
        assert "已经填写过" in page.content() or "already answered" in page.content()
    with app.app_context():
        assert _db.session.scalar(select(func.count(StaffResponse.id))) == 1


def test_the_office_reads_the_demo_round(make_app):
    """The demo's closed round on the dashboard: groups of 10 or more, axe-core clean, screenshot taken."""
    from survey_web.demo import ensure_organisation
    from survey_web.staff_survey.demo import ensure_staff_survey

    app = make_app()
    with app.app_context():
        world = make_world()
        hospital = ensure_organisation()
        demo_round = ensure_staff_survey(hospital).id
        next_round = service.open_round(hospital, "2027", "2027年度医务人员满意度调查").id
        _db.session.commit()
        assert world.users["admin"]
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True).new_page()
        page.goto(f"{base}/staff/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{base}/dashboard/staff-survey?round={next_round}")  # open: the links to hand out
        assert page.locator("a:has-text('PNG')").count() == 6  # one per department of the demo hospital
        assert axe_violations(page) == []
        screenshot(page, "staff-survey-dashboard-open-round")
        page.goto(f"{base}/dashboard/staff-survey?round={demo_round}")
        html = page.content()
        assert "2026年度医务人员满意度调查" in html and "急诊科" in html
        assert '<th scope="row">放射科' not in html  # 7 responses: never a row of its own,
        assert '<th scope="row">药剂科、放射科 · ' in html  # but merged with the smallest group beside it
        assert axe_violations(page) == []
        screenshot(page, "staff-survey-dashboard")
