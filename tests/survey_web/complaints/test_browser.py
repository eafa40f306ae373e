"""The case flow in a real browser, JavaScript off: intake (a refused number keeps the words) -> hand-over
-> the department head replies and records the outcome -> the office calls back and closes. axe-core checks
the list, the intake form and the case page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_web.extensions import db as _db
from survey_web.models import ComplaintCase

from ...browser import TABLET, axe_violations, chromium, live_server, screenshot
from ...world import PASSWORD
from .world import add_case, complaint_world

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str, lands: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]", has_text="登录").click()
    page.wait_for_url(lands)


def test_intake_hand_over_reply_call_back_close(make_app):
    from playwright.sync_api import expect

    app = make_app()
    with app.app_context():
        world = complaint_world()
        late = add_case(world, world.orth, text="骨科检查报告拖了一周还没出", received_at=datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
        late_number, late_id, card_id = late.number, late.id, world.card.id
    with live_server(app) as base, chromium() as browser:
        office = browser.new_context(java_script_enabled=False, viewport=TABLET, locale="zh-CN")
        page = office.new_page()
        sign_in(page, base, "tsb", "**/complaints/")
        row = page.locator("tbody tr", has_text=late_number)
        expect(row).to_have_class("late")
        expect(row).to_contain_text("超期")
        screenshot(page, "complaints-list-overdue")

        page.locator("a", has_text="登记投诉").click()
        page.select_option("#channel", "phone")
        page.fill("#text", "我母亲在心内科住院，夜里呼叫铃二十分钟没人来，护士还嫌我们烦。")
        page.check(f"input[name=departments][value='{card_id}']")
        page.fill("#complainant", "李秀英")
        page.fill("#contact", "13912345678")
        page.locator("button[type=submit]", has_text="登记").click()
        expect(page.locator("p.error").nth(1)).to_contain_text("请勾选同意")
        assert page.locator("#text").input_value().startswith("我母亲在心内科住院")
        assert page.locator("#contact").input_value() == "13912345678"
        screenshot(page, "complaints-intake-refused")
        page.check("#contact_consent")
        page.locator("button[type=submit]", has_text="登记").click()
        expect(page.locator(".flash")).to_contain_text("已登记")
        assert "139****5678" in page.content() and "13912345678" not in page.content()
        assert "李*" in page.content()

        page.select_option("#to_user", label="card主任 · 科室负责人")
        page.fill("#handover_note", "请心内科核实夜班情况")
        page.locator("button", has_text="移交").last.click()
        expect(page.locator(".flash")).to_contain_text("已移交给 card主任")
        case_url = page.url
        screenshot(page, "complaints-case-handed-over")

        head = browser.new_context(java_script_enabled=False, viewport=TABLET, locale="zh-CN").new_page()
        sign_in(head, base, "card", "**/office/")
        head.goto(case_url)
        assert "139****5678" in head.content(), "the owner after the hand-over sees the masked number"
        head.fill("#reply_note", "已电话向家属致歉，说明夜班人手安排并整改")
        head.locator("button", has_text="记录反馈").click()
        expect(head.locator(".flash")).to_contain_text("反馈已记录")
        head.fill("#outcome", "夜班增加一名护士；呼叫铃响应纳入科室考核")
        head.locator("button", has_text="记录处理结果").click()
        expect(head.locator(".flash")).to_contain_text("处理结果已记录")

        page.goto(case_url)
        page.check("input[name=satisfaction][value=satisfied]")
        page.fill("#callback_note", "家属表示满意")
        page.locator("button", has_text="记录回访").click()
        expect(page.locator(".flash")).to_contain_text("回访已记录")
        page.locator("button", has_text="办结").click()
        expect(page.locator(".flash")).to_contain_text("已办结")
        timeline = page.locator("ol.timeline").inner_text()
        for step in ("受理", "已移交", "向投诉人反馈", "处理结果", "回访", "办结"):
            assert step in timeline, step
        screenshot(page, "complaints-case-closed")


        # axe-core needs JavaScript: a second sign-in with it on, on the same pages and states
        audit = browser.new_context(viewport=TABLET, locale="zh-CN", bypass_csp=True).new_page()
        sign_in(audit, base, "tsb", "**/complaints/")
        assert axe_violations(audit) == [], "case list"
        audit.goto(case_url)
        assert axe_violations(audit) == [], "closed case"
        audit.goto(f"{base}/complaints/{late_id}")
        assert axe_violations(audit) == [], "open case with its forms"
        audit.goto(f"{base}/complaints/new")
        audit.fill("#text", "测试")
        audit.fill("#contact", "12")
        audit.locator("button[type=submit]", has_text="登记").click()
        assert axe_violations(audit) == [], "intake form with errors"
    with app.app_context():
        case = _db.session.query(ComplaintCase).filter(ComplaintCase.number != late_number).one()
        assert case.status == "closed" and case.satisfaction == "satisfied" and case.owner_id is not None
