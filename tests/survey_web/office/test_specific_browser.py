"""The demo hospital's last month in a real browser: specific problems with titles, places, trends and
suggested measures, and one of them opened; axe-core finds no WCAG 2.2 AA violation on either page."""

from __future__ import annotations

import pytest

from ...browser import TABLET, axe_violations, chromium, live_server, screenshot

pytestmark = pytest.mark.browser


def test_demo_last_month_shows_specific_problems(make_app):
    """Generate last month's list as the quality office does; the hot-water problem closed two months ago
    is back (recurring), the self-service machines rise, each problem has places and a 建议 measure."""
    from playwright.sync_api import expect

    from survey_web.demo import ensure_organisation, ensure_staff, generate_responses
    from survey_web.jobs.classify import classify_pending_now
    from survey_web.problems.demo import seed_history

    app = make_app()
    with app.app_context():
        hospital = ensure_organisation()
        generate_responses(hospital, days=62, per_day=12)
        classify_pending_now()
        seed_history(hospital)
        ensure_staff(hospital)
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport=TABLET, locale="zh-CN", bypass_csp=True).new_page()  # axe needs scripts
        page.goto(f"{base}/staff/login")
        page.fill("#username", "quality")
        page.fill("#password", "demo-quality-2025")
        page.locator("button[type=submit]", has_text="登录").click()
        page.wait_for_url("**/office/")
        page.goto(f"{base}/office/problems")
        page.locator("button", has_text="立即生成清单").click()
        page.wait_for_url("**/office/problems/*")
        screenshot(page, "office-specific-problems-list")
        rows = page.locator("tr.specific")
        assert rows.count() >= 4
        # By the title (a quote of another problem may mention hot water too).
        hot = rows.filter(has=page.locator("td.problem > a", has_text="热水"))
        expect(hot.locator(".badge.trend-recurring")).to_have_text("销号后再次出现")
        expect(rows.filter(has=page.locator("td.problem > a", has_text="自助")).locator(".badge.trend-rising")) \
            .to_have_count(1)
        expect(hot).to_contain_text("心内科")
        expect(hot.locator(".badge.suggestion")).to_have_text("建议，未定")
        assert page.locator("tr.heading, tr:has(td.num) >> text=设施设备").count() >= 1
        assert axe_violations(page) == []

        hot.locator("a").first.click()
        page.wait_for_url("**/office/items/*")
        expect(page.locator("#suggestion-note")).to_contain_text("【建议】")
        expect(page.locator("#measure")).to_contain_text("依据：《")
        expect(page.locator("section", has_text="依据来源")).to_contain_text("问卷意见")
        assert axe_violations(page) == []
        screenshot(page, "office-specific-problem-item")
