"""The office's month in a real browser: the quality office reviews, edits the four 明确, 立账 -> 督办 -> 销号;
a department head sees only their department. JavaScript is off for the office: every page works without it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models.problems import ProblemItem, ProblemList

from ...browser import TABLET, chromium, live_server, screenshot
from .world import PASSWORD, make_world, seed_october

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]", has_text="登录").click()
    page.wait_for_url("**/office/")


def test_quality_office_runs_the_month_and_department_head_sees_only_theirs(make_app):
    """Generate, review comments, edit an item's four 明确, move it to 销号; the CARD head is fenced in."""
    from playwright.sync_api import expect

    app = make_app()
    with app.app_context():
        world = make_world()
        seed_october(world)
        card_id = world.card.id
    with live_server(app) as base, chromium() as browser:
        office = browser.new_context(java_script_enabled=False, viewport=TABLET, locale="zh-CN")
        page = office.new_page()
        sign_in(page, base, "quality")
        assert "本月意见" in page.content()

        page.goto(f"{base}/office/comments?month=2025-10&theme=parking&polarity=neg")
        assert page.locator("tbody tr").count() == 16
        assert "13812345" not in page.content() and "138****5" in page.content()
        screenshot(page, "office-comments-filtered")
        page.locator("tbody a", has_text="停车位不够0").click()
        page.select_option("#theme_communication", "neg")
        page.fill("#note", "患者也在抱怨无人解释")
        page.locator("button", has_text="保存校正").click()
        expect(page.locator(".flash")).to_contain_text("校正已保存")
        screenshot(page, "office-comment-corrected")

        page.goto(f"{base}/office/problems")
        page.fill("#month", "2025-10")
        page.locator("button", has_text="立即生成清单").click()
        page.wait_for_url("**/office/problems/*")
        assert "整改问题清单" in page.locator("h1").inner_text()
        assert page.locator("text=待审定的草稿").count() == 1
        screenshot(page, "office-problem-list-drafts")

        page.locator("td.problem a", has_text="停车").first.click()
        page.wait_for_url("**/office/items/*")
        assert page.locator("#owner_office").input_value() == "后勤保障部"
        page.fill("#measure", "开放职工停车场夜间车位；门诊高峰增设引导员")
        page.fill("#owner_person", "王科长")
        page.fill("#deadline", "2025-11-30")
        page.locator("button", has_text="保存").first.click()
        expect(page.locator(".flash")).to_contain_text("已保存")
        page.locator("button", has_text="审定立账").click()
        expect(page.locator(".flash")).to_contain_text("事项状态已更新为：立账")
        page.locator("button", has_text="转入督办").click()
        expect(page.locator(".flash")).to_contain_text("事项状态已更新为：督办")
        page.fill("#measure_taken", "开放职工停车场 60 个夜间车位，增设 2 名引导员")
        page.fill("#closure_evidence", "现场照片 3 张；11 月停车投诉下降")
        screenshot(page, "office-item-before-closing")
        page.locator("button", has_text="销号").click()
        expect(page.locator(".flash")).to_contain_text("事项状态已更新为：销号")
        screenshot(page, "office-item-closed")

        page.locator("a", has_text="2025-10").first.click()
        ledger = page.locator("section", has_text="整改台账").first
        assert "王科长" in ledger.inner_text() and "销号" in ledger.inner_text()
        screenshot(page, "office-problem-list-ledger")
        page.locator("a", has_text="打印版").click()
        page.wait_for_url("**/print")
        page.emulate_media(media="print")
        screenshot(page, "office-problem-list-print")
        page.emulate_media(media="screen")

        page.goto(f"{base}/office/urgent")
        assert "停车场有人打人" in page.content()
        screenshot(page, "office-urgent-inbox")
        page.locator("a", has_text="停车场有人打人").click()
        page.locator("summary", has_text="按误报关闭").click()  # <details>: works without JavaScript too
        assert page.locator("textarea[name=reason]").is_visible()
        screenshot(page, "office-alert-dismiss")

        with app.app_context():
            closed = _db.session.scalar(select(ProblemItem).where(ProblemItem.status == "closed"))
            assert closed.owner_person == "王科长" and closed.measure_taken.startswith("开放职工停车场")
            card_item = _db.session.scalar(select(ProblemItem.id).join(ProblemList).where(
                ProblemList.department_id == card_id))

        head = browser.new_context(java_script_enabled=False, viewport=TABLET, locale="zh-CN").new_page()
        sign_in(head, base, "orth")
        head.goto(f"{base}/office/problems")
        lists = head.locator("main table a").all_inner_texts()
        assert lists == ["骨科"], lists
        head.goto(f"{base}/office/comments")
        assert "停车位不够" in head.content() and "停车太难了" not in head.content()
        screenshot(head, "office-dept-head-comments")
        reply = head.goto(f"{base}/office/items/{card_item}")
        assert reply.status == 404
        screenshot(head, "office-dept-head-guessed-id")
