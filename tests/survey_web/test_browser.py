"""The respondent's path in a real browser: a phone scans a `flask points` URL and answers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import Answer, Comment, Response

from ..browser import PHONE, chromium, live_server, screenshot
from ..factories import make_point

pytestmark = pytest.mark.browser


def point_urls(app) -> list[dict]:
    result = app.test_cli_runner().invoke(args=["points", "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_phone_scans_and_answers_a_survey(make_app):
    """At 375x667 a respondent opens the QR URL, answers, submits, and the row is stored as answered."""
    app = make_app()
    with app.app_context():
        make_point("inpatient", name="心内科护士站")
    with live_server(app) as base, chromium() as browser:
        app.config["PUBLIC_BASE_URL"] = base
        with app.app_context():
            url = point_urls(app)[0]["url"]
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                locale="zh-CN")
        refused = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
        page.goto(url)
        assert page.locator("h1").inner_text() == "住院患者满意度调查"
        # The inlined stylesheets pass the CSP by their hashes (a changed file without a restart would not).
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 246, 248)"
        page.locator("#q-role label", has_text="家属或陪护").click()
        page.locator("#q-overall label", has_text="非常满意").click()
        page.locator("#q-nurse_communication label").nth(1).click()
        page.locator("#q-food label", has_text="不适用").click()
        page.fill("textarea", "护士很耐心，就是晚上病房有点吵😊")
        assert page.locator(".counter").inner_text().startswith("17 /")
        # Nothing wider than the phone: no sideways scrolling at 375 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "survey-form-phone")
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
        assert "感谢" in page.locator("h1").inner_text()
        screenshot(page, "survey-thanks-phone")
        assert refused == []
    with app.app_context():
        response = _db.session.scalar(select(Response))
        assert (response.role, response.mode, response.language) == ("family", "self", "zh_CN")
        answers = {a.question_code: (a.score, a.option) for a in _db.session.scalars(select(Answer))}
        assert answers["overall"] == (5, None) and answers["nurse_communication"] == (4, None)
        assert answers["food"] == (None, "na")
        assert _db.session.scalar(select(Comment.text)) == "护士很耐心，就是晚上病房有点吵😊"


def test_survey_works_without_javascript_at_320px(make_app):
    """With JavaScript off and a 320 px screen, the form still submits and validation still speaks."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640},
                                      locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/s/{token}")
        page.locator("#q-overall label", has_text="满意").first.click()
        page.locator("button[type=submit]").click()
        assert "请选择您是患者本人还是家属" in page.content()
        assert page.locator("#q-overall input[value='5']").is_checked(), "answers survive the error"
        screenshot(page, "survey-error-320-nojs")
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
    with app.app_context():
        assert _db.session.scalar(select(Response.role)) == "patient"
