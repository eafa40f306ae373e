"""A patient answers the invitation link on a phone in chromium, then opens the same link again; the 退订 page;
axe-core on each page, screenshots to look at."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import Invitation, Response

from ...browser import PHONE, axe_violations, chromium, live_server, screenshot
from .conftest import imported, patients

pytestmark = pytest.mark.browser


def test_invitation_answered_on_a_phone_then_already_answered(campaign, fu_app, fu_db, tmp_path):
    imported(campaign, tmp_path, patients(2))
    first, second = fu_db.session.scalars(select(Invitation.token).order_by(Invitation.id)).all()
    with live_server(fu_app) as base, chromium() as browser:
        page = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True,
                                   bypass_csp=True).new_page()
        page.goto(f"{base}/f/{first}")
        assert "出院患者随访调查" in page.locator("h1").inner_text()
        assert "心内科病区" in page.locator(".place").inner_text()
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "followup-invitation-phone")
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("#q-overall label", has_text="非常满意").click()
        page.locator("#q-discharge_guidance label", has_text="满意").first.click()
        page.fill("textarea", "出院时护士把用药讲得很清楚")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/thanks")
        assert "感谢" in page.locator("main").inner_text()
        assert axe_violations(page) == [], "thanks page"
        screenshot(page, "followup-invitation-thanks")

        page.goto(f"{base}/f/{first}")
        assert "已经填写" in page.locator("main").inner_text()
        assert page.locator("form").count() == 0
        assert axe_violations(page) == [], "already answered"
        screenshot(page, "followup-invitation-already-answered")

        page.goto(f"{base}/f/{second}/stop")
        assert axe_violations(page) == [], "unsubscribe page"
        screenshot(page, "followup-unsubscribe")
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "不会再" in page.locator("main").inner_text()
    with fu_app.app_context():
        response = _db.session.scalars(select(Response)).one()
        assert (response.campaign_id, response.channel) == (campaign.id, "sms")
