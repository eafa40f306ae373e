"""The receipt code in a real browser: a phone answers, notes the code, later sees and deletes its response."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import Response

from ...browser import PHONE, chromium, live_server, screenshot
from ...factories import make_point
from .helpers import CODE

pytestmark = pytest.mark.browser


def test_phone_sees_exports_and_deletes_its_response_with_the_receipt_code(make_app):
    """At phone size: the thanks page shows the code; /receipt shows the answers, downloads JSON, deletes."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient", name="心内科护士站").token
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", accept_downloads=True)
        page.goto(f"{base}/s/{token}")
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("#q-overall label", has_text="非常满意").click()
        page.fill("textarea", "夜班护士很负责")
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
        code = page.locator(".receipt .code").inner_text()
        assert CODE.fullmatch(code)
        screenshot(page, "receipt-thanks-phone")
        page.locator("a", has_text="查看或删除我的答卷").click()
        page.fill("#code", code.lower().replace("-", ""))
        page.locator("button[type=submit]").click()
        assert "夜班护士很负责" in page.locator(".mine").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, "receipt-data-phone")
        with page.expect_download() as download:
            page.locator("button", has_text="JSON").click()
        data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert data["comment"] == "夜班护士很负责"
        page.locator(".erase input[type=checkbox]").check()
        page.locator("button", has_text="删除我的答卷").click()
        assert "已删除" in page.locator("h1").inner_text()
    with app.app_context():
        assert _db.session.scalar(select(func.count(Response.id))) == 0
