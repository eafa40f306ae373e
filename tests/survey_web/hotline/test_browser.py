"""The complaint office in a real browser, without JavaScript: upload a hotline export with bad rows and read
the per-row report; record a finding after a mistake. Screenshots and axe-core checks of both pages."""

from __future__ import annotations

import pytest

from survey_web.complaints.hotline import formats, samples

from ...browser import TABLET, axe_violations, chromium, live_server, screenshot
from ...world import PASSWORD
from ..complaints.world import complaint_world
from .files import with_bad_rows

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]", has_text="登录").click()
    page.wait_for_load_state()


def test_upload_with_bad_rows_shows_the_report_and_a_finding_is_recorded(make_app, tmp_path):
    """The report names each bad row and column in Chinese; the good orders are listed; the finding form
    keeps what was typed after a missing date."""
    from playwright.sync_api import expect

    app = make_app()
    with app.app_context():
        complaint_world()
    records, _bad = with_bad_rows()
    export = tmp_path / "12345热线工单-11月.xlsx"
    export.write_bytes(samples.to_xlsx(formats.get("12345"), records, title="12345热线工单导出（2026年11月）"))
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport=TABLET, locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, "tsb")
        page.goto(f"{base}/complaints/hotline")
        page.set_input_files("#file", str(export))
        page.locator("button", has_text="导入").first.click()
        page.wait_for_url("**/complaints/hotline/imports/*")
        expect(page.locator("[role=status]")).to_contain_text("导入 6 条")
        report = page.locator("table.report tbody tr")
        expect(report).to_have_count(6)
        expect(report.nth(1)).to_contain_text("6来电时间“2026-13-45 25:00” 不是有效的日期时间")
        screenshot(page, "hotline-import-report")

        page.locator("a", has_text="返回热线工单").click()
        expect(page.locator("#waiting + table tbody tr")).to_have_count(6)
        assert records[0]["order_no"] in page.content() and records[0]["phone"] not in page.content()
        screenshot(page, "hotline-page")

        page.goto(f"{base}/office/findings")
        page.select_option("#source", "walkthrough")
        page.fill("#text", "门诊到影像科的指示牌缺失两处，轮椅通道被杂物阻挡")
        page.locator("label", has_text="标识导诊").first.click()
        page.locator("button", has_text="保存").click()
        expect(page.locator("p.error").first).to_be_visible()
        assert page.input_value("#text") == "门诊到影像科的指示牌缺失两处，轮椅通道被杂物阻挡"
        page.fill("#found_on", "2026-11-20")
        page.locator("button", has_text="保存").click()
        expect(page.locator("tbody tr").first).to_contain_text("指示牌缺失")
        screenshot(page, "findings-page")
        context.close()

        audit = browser.new_context(viewport=TABLET, locale="zh-CN", bypass_csp=True)
        page = audit.new_page()
        sign_in(page, base, "tsb")
        for url in ("/complaints/hotline", "/complaints/hotline/imports/1", "/office/findings"):
            page.goto(f"{base}{url}")
            assert axe_violations(page) == [], url
