"""The dashboard in a real browser at laptop size, on the demo hospital's data; screenshots to look at."""

from __future__ import annotations

import re

import pytest

from ...browser import chromium, live_server, screenshot

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo_app(make_app):
    """The demo hospital with ten weeks of classified responses (the last complete month in full)."""
    from survey_web import banks
    from survey_web.demo import ensure_organisation, ensure_staff, generate_responses
    from survey_web.jobs.classify import classify_pending_now

    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():
        banks.sync_all()
        hospital = ensure_organisation()
        generate_responses(hospital, days=70, per_day=28)
        classify_pending_now()
        ensure_staff(hospital)
    return app


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_dashboard_at_laptop_size(demo_app):
    """1366x768: headline figures, three charts, no sideways scrolling; a department drills down to its
    responses; the printed page drops the navigation."""
    with live_server(demo_app) as base, chromium() as browser:
        page = browser.new_page(viewport=LAPTOP, locale="zh-CN")
        sign_in(page, base, "quality", "demo-quality-2025")
        page.goto(base + "/dashboard/")
        assert page.locator("h1").inner_text().startswith("患者体验月度看板")
        assert re.fullmatch(r"\d+\.\d%", page.locator(".kpi .big .fig").first.inner_text().split()[0])
        assert page.locator("svg.chart").count() == 2 and page.locator("table.heat#heat").is_visible()
        for chart in ("trend", "departments"):
            assert page.locator(f"svg#{chart}").is_visible()
            assert page.locator(f"svg#{chart} > title").text_content()
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        screenshot(page, "dashboard-laptop")

        first = page.locator("table.compact tbody tr td:nth-child(2) a").first
        name = first.inner_text()
        first.click()
        page.wait_for_url("**/dashboard/responses?**")
        assert name in page.locator(".chips").inner_text()
        assert re.search(r"共 \d+ 份", page.locator(".chips").inner_text())
        assert page.locator("table.responses tbody tr").count() > 0
        screenshot(page, "dashboard-drilldown")

        page.goto(base + "/dashboard/")
        page.emulate_media(media="print")
        assert not page.locator("header.bar").is_visible() and not page.locator("form.filters").is_visible()
        assert page.locator("svg#trend").is_visible()
        screenshot(page, "dashboard-print")


def test_commission_and_half_year_summary_render(demo_app):
    """The commission view and the half-year summary render with their charts (looked at as screenshots)."""
    with live_server(demo_app) as base, chromium() as browser:
        page = browser.new_page(viewport=LAPTOP, locale="zh-CN")
        sign_in(page, base, "commission", "demo-commission-2025")
        page.goto(base + "/commission/")
        assert page.locator("svg#hospitals").is_visible()
        screenshot(page, "commission-laptop")
        page.goto(base + "/dashboard/reports?period=2026H2")
        assert "阶段性工作总结" in page.locator("h1").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        screenshot(page, "report-half-year")


STAFF_PAGES = {
    "quality": ["/dashboard/", "/dashboard/reports", "/office/", "/office/comments", "/office/urgent",
                "/office/problems"],
    "commission": ["/commission/"],
    "admin": ["/admin/", "/admin/audit"],
}


def test_staff_pages_pass_axe_wcag_aa(demo_app):
    """axe-core finds no WCAG 2.2 AA violation on the staff pages, charts and drill-down included."""
    from ...browser import axe_violations

    passwords = {"quality": "demo-quality-2025", "commission": "demo-commission-2025", "admin": "demo-admin-2025"}
    with live_server(demo_app) as base, chromium() as browser:
        context = browser.new_context(viewport=LAPTOP, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        page.goto(base + "/staff/login")
        found = {"/staff/login": axe_violations(page)}
        for username, paths in STAFF_PAGES.items():
            context.clear_cookies()
            sign_in(page, base, username, passwords[username])
            for path in paths:
                page.goto(base + path)
                found[f"{username} {path}"] = axe_violations(page)
            if username == "quality":  # a drill-down from the dashboard's first department link
                page.goto(base + "/dashboard/")
                page.locator("table.compact tbody tr td:nth-child(2) a").first.click()
                page.wait_for_url("**/dashboard/responses?**")
                found["quality drill-down"] = axe_violations(page)
        assert {where: v for where, v in found.items() if v} == {}
