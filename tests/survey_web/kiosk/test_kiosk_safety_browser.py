"""The tablet's safety nets in a real browser (1024x768): encrypted outbox, poison interviews, idle and cancel."""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import Response

from ...browser import screenshot
from .helpers import make_volunteer
from .test_kiosk_browser import (
    answer,
    form_is_blank,
    kiosk,
    outbox_says,
    raw_outbox,
    ready_for_offline,
    sign_in,
    stored,
    wait_until,
)

pytestmark = pytest.mark.browser
COMMENT = "隔壁床的家属每天晚上吵到半夜"
PHONE = "13812345678"


def comments(app) -> list[tuple[int, str | None]]:
    """(volunteer, comment text) of every stored response, oldest first."""
    with app.app_context():
        return [(r.volunteer_id, r.comment.text if r.comment else None) for r in stored_rows()]


def stored_rows():
    _db.session.expire_all()
    return _db.session.scalars(select(Response).order_by(Response.id)).all()


def start_interview(page) -> None:
    page.click(".startbtn")
    page.wait_for_selector("form.interview")
    page.wait_for_load_state("domcontentloaded")


def test_outbox_keeps_no_clear_text_and_only_its_volunteer_can_send_it(make_app):
    """Queued offline, an interview is AES-GCM ciphertext in IndexedDB; after sign-out another volunteer
    can neither read nor send it; its own volunteer signs in again and it is stored once."""
    with kiosk(make_app) as (app, context, page, volunteer_id):
        with app.app_context():
            make_volunteer("xiaoli")
        ready_for_offline(page)
        context.set_offline(True)
        start_interview(page)
        answer(page, comment=COMMENT)
        page.click("details.contact summary")
        page.locator("label.check").click()
        page.fill("#contact", PHONE)
        page.click("button.submit")
        page.locator("[data-flash=queued]").wait_for()
        records = raw_outbox(page)
        dump = json.dumps(records, ensure_ascii=False)
        assert len(records) == 1 and records[0]["iv"] and records[0]["data"]
        for secret in (COMMENT, PHONE, "q_overall", "心内科护士站", "kiosk_token", "contact"):
            assert secret not in dump, secret
        # The Wi-Fi returns but the interview still cannot get through when the volunteer signs out.
        page.route("**/kiosk/interview", lambda route: route.abort("internetdisconnected")
                   if route.request.method == "POST" else route.fallback())
        context.set_offline(False)
        page.click("[data-signout-button]")
        warning = page.locator("[data-signout-warning]")
        assert "加密" in warning.inner_text()
        screenshot(page, "kiosk-signout-warning-tablet")
        page.click("[data-signout-anyway]")
        page.wait_for_url("**/staff/login")
        assert page.evaluate("() => sessionStorage.getItem('kiosk-outbox-key')") is None, "the key left"
        assert len(raw_outbox(page)) == 1, "the waiting interview stays, still encrypted"

        base = page.url.split("/staff/")[0]
        sign_in(page, base, "xiaoli")
        outbox_says(page, "全部已发送")
        page.locator("[data-outbox-detail]", has_text="另一位志愿者的 1 份访谈").wait_for()
        screenshot(page, "kiosk-other-volunteer-waiting-tablet")
        assert stored(app) == [] and len(raw_outbox(page)) == 1
        page.click("[data-signout-button]")
        page.wait_for_url("**/staff/login")
        page.unroute("**/kiosk/interview")
        sign_in(page, base)
        wait_until(page, "async () => (await window.kioskOutbox.all()).length === 0")
        outbox_says(page, "全部已发送")
    assert comments(app) == [(volunteer_id, COMMENT)]


def test_interview_the_server_keeps_failing_on_is_set_aside_and_the_rest_are_sent(make_app):
    """A poison interview (the server errors on it) does not hold up the two queued after it; after three
    failures it is set aside, shown with the reason, and can be tried again."""
    with kiosk(make_app) as (app, context, page, _volunteer):
        ready_for_offline(page)
        context.set_offline(True)
        for comment in ("POISON 这份会让服务器出错", "第二份", "第三份"):
            start_interview(page)
            answer(page, comment=comment)
            page.click("button.submit")
            page.locator("[data-flash=queued]").wait_for()
        outbox_says(page, "尚未发送：平板上还保存着 3 份访谈")

        def poison(route):
            if route.request.method == "POST" and "POISON" in (route.request.post_data or ""):
                route.fulfill(status=500, body="Internal Server Error", content_type="text/html")
            else:
                route.fallback()
        page.route("**/kiosk/interview", poison)
        context.set_offline(False)
        wait_until(page, "() => true")
        outbox_says(page, "尚未发送：平板上还保存着 1 份访谈")
        assert sorted(text for _v, text in comments(app)) == ["第三份", "第二份"], "not blocked by the first"
        for _ in range(2):
            page.evaluate("async () => { await window.kioskOutbox.sync(); }")
        outbox_says(page, "服务器未接收 1 份访谈")
        item = page.locator("[data-refused] li")
        assert "HTTP 500" in item.inner_text() and "多次出错" in item.inner_text()
        screenshot(page, "kiosk-poison-set-aside-tablet")
        page.click("a.bigtoggle")
        screenshot(page, "kiosk-poison-set-aside-large-tablet")
        page.unroute("**/kiosk/interview")
        item.locator("button", has_text="重试").click()
        outbox_says(page, "全部已发送")
    assert len(stored(app)) == 3


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_idle_warning_is_loud_and_a_discarded_interview_can_be_restored(make_app, large):
    """Left alone, the tablet beeps and shows a big 继续; then the interview is discarded but can be brought
    back for a while; unrestored, the tablet returns to a clean start."""
    config = {"KIOSK_IDLE_SECONDS": 6, "KIOSK_IDLE_WARNING_SECONDS": 3, "KIOSK_RESTORE_SECONDS": 5}
    suffix = "large-tablet" if large else "tablet"
    with kiosk(make_app, **config) as (app, _context, page, _v):
        start_interview(page)
        if large:
            page.click(".bigtoggle")
        answer(page, comment=COMMENT)
        warning = page.locator("[data-idle-warning]")
        warning.wait_for(state="visible", timeout=8000)
        button = page.locator("[data-continue]")
        box = button.bounding_box()
        assert button.inner_text() == "继续" and box["height"] >= 80 and box["width"] >= 300
        assert page.evaluate("() => window.__beeps") >= 2, "the warning is audible"
        screenshot(page, f"kiosk-idle-warning-{suffix}", full_page=False)
        button.click()
        assert warning.is_hidden() and page.input_value("textarea") == COMMENT, "a tap keeps it"
        page.locator("[data-discarded]").wait_for(timeout=10000)
        assert page.locator("form.interview").is_hidden()
        screenshot(page, f"kiosk-discarded-restorable-{suffix}")
        page.click("[data-restore]")
        assert page.input_value("textarea") == COMMENT and page.locator("#q-role input:checked").count() == 1
        page.click("button.submit")
        page.locator("[data-flash=saved]").wait_for()
        start_interview(page)
        answer(page, comment="这份不会被恢复")
        page.locator("[data-discarded]").wait_for(timeout=10000)
        page.locator("[data-flash=cleared]").wait_for(timeout=10000)
        start_interview(page)
        assert form_is_blank(page)
    assert [text for _v, text in comments(app)] == [COMMENT]


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_cancel_asks_first_sits_away_from_finish_and_can_be_undone(make_app, large):
    """取消本次访谈 is at the top, a screen away from 完成访谈; it asks first, and a cancelled interview can be
    brought back; a confirmed cancel without restoring stores nothing."""
    with kiosk(make_app) as (app, _context, page, _v):
        start_interview(page)
        if large:
            page.click(".bigtoggle")
        answer(page, comment=COMMENT)
        cancel = page.locator("[data-cancel] summary")
        finish = page.locator("button.submit")
        gap = page.evaluate("""() => document.querySelector('button.submit').getBoundingClientRect().top
            - document.querySelector('[data-cancel] summary').getBoundingClientRect().bottom""")
        assert gap > 600, gap
        assert cancel.bounding_box()["height"] >= 48 and finish.is_visible() is not None
        cancel.click()
        confirm = page.locator("[data-cancel-confirm]")
        assert confirm.is_visible() and page.locator("[data-discarded]").is_hidden(), "only asks"
        screenshot(page, f"kiosk-cancel-confirm-{'large-' if large else ''}tablet", full_page=False)
        page.click("[data-cancel-keep]")
        assert confirm.is_hidden() and page.input_value("textarea") == COMMENT
        cancel.click()
        confirm.click()
        page.locator("[data-discarded]").wait_for()
        screenshot(page, f"kiosk-cancelled-{'large-' if large else ''}tablet")
        page.click("[data-restore]")
        assert page.input_value("textarea") == COMMENT
        cancel.click()
        confirm.click()
        page.locator("[data-discarded] a", has_text="返回").click()
        page.locator("[data-flash=cleared]").wait_for()
    assert stored(app) == []


def test_set_aside_interview_does_not_outlive_a_sign_out_made_elsewhere(make_app):
    """Signed out from a staff page (no kiosk warning there), the refused copy is gone at the next sign-in."""
    with kiosk(make_app) as (app, context, page, _v):
        ready_for_offline(page)
        context.set_offline(True)
        start_interview(page)
        page.evaluate("() => { document.querySelector('input[name=kiosk_token]').value = 'x.y.z'; }")
        answer(page)
        page.click("button.submit")
        page.locator("[data-flash=queued]").wait_for()
        context.set_offline(False)
        outbox_says(page, "服务器未接收 1 份访谈")
        base = page.url.split("/kiosk/")[0]
        page.goto(f"{base}/staff/account")
        page.locator("form[action$='/staff/logout'] button").click()
        page.wait_for_url("**/staff/login")
        assert len(raw_outbox(page)) == 1
        sign_in(page, base)
        wait_until(page, "async () => (await window.kioskOutbox.all()).length === 0")
        outbox_says(page, "全部已发送")
    assert stored(app) == []


LEGACY_OUTBOX = """() => new Promise((resolve, reject) => {
    const gone = indexedDB.deleteDatabase('kiosk');
    gone.onsuccess = () => {
      const open = indexedDB.open('kiosk', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('outbox', {keyPath: 'key'}).put({
        key: 'a'.repeat(32), action: '/kiosk/interview', state: 'pending', created: Date.now(), place: '心内科',
        body: 'kiosk_token=x.y.z&submission_key=' + 'a'.repeat(32) + '&role=patient&q_comment=LEGACY-SECRET'});
      open.onsuccess = () => { open.result.close(); resolve(); };
      open.onerror = () => reject(open.error);
    };
    gone.onerror = () => reject(gone.error);
  })"""


def test_clear_copies_left_by_the_previous_outbox_are_encrypted_then_sent(make_app):
    """An interview the old outbox kept in clear is sealed under the volunteer's key, its clear copy is
    deleted, and it is sent (this one is refused by the server, so it is set aside)."""
    with kiosk(make_app) as (app, _context, page, _v):
        base = page.url.split("/kiosk/")[0]
        page.goto(f"{base}/staff/account")  # no kiosk.js here: nothing holds the database open
        page.evaluate(LEGACY_OUTBOX)
        page.goto(f"{base}/kiosk/")
        outbox_says(page, "服务器未接收 1 份访谈")
        legacy = page.evaluate("""() => new Promise(resolve => {
            const open = indexedDB.open('kiosk');
            open.onsuccess = () => {
              const get = open.result.transaction('outbox').objectStore('outbox').getAll();
              get.onsuccess = () => resolve(get.result);
            };
          })""")
        assert legacy == []
        records = raw_outbox(page)
        assert len(records) == 1 and "LEGACY-SECRET" not in json.dumps(records)
    assert stored(app) == []


def test_interview_in_large_text_survives_an_idle_pause_and_a_language_switch(make_app):
    """The inpatient interview in 大字版: an idle warning answered with 继续, English chosen half-way, more
    answers, 完成访谈: every answer is stored once, in the language the interview ended in."""
    config = {"KIOSK_IDLE_SECONDS": 8, "KIOSK_IDLE_WARNING_SECONDS": 4}
    with kiosk(make_app, **config) as (app, _context, page, _v):
        start_interview(page)
        page.click(".bigtoggle")
        assert page.locator("html.big").count() == 1
        answer(page, role="家属或陪护", overall=1, comment=COMMENT)
        page.locator("[data-idle-warning]").wait_for(state="visible", timeout=10000)
        page.click("[data-continue]")
        key = page.input_value("input[name=submission_key]")
        page.locator(".langs button", has_text="English").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Inpatient satisfaction survey"
        assert page.locator("html.big").count() == 1
        assert page.locator("#q-role input[value=family]").is_checked()
        assert page.locator("#q-overall input[value='4']").is_checked()
        assert page.input_value("textarea") == COMMENT
        assert page.input_value("input[name=submission_key]") == key, "the same interview, the same key"
        page.locator("#q-food label").first.click()
        screenshot(page, "kiosk-language-switch-large-tablet")
        page.click("button.submit")
        page.locator("[data-flash=saved]").wait_for()
        page.locator("[data-receipt]").wait_for(state="visible")  # for the respondent, before they leave
        code = page.locator("[data-receipt-code]").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
        screenshot(page, "kiosk-saved-receipt-tablet")
        assert page.locator("html").get_attribute("lang") == "en", "the tablet stays in the chosen language"
        deadline = time.monotonic() + 15
        while not stored(app) and time.monotonic() < deadline:  # the outbox sends it in the background
            page.wait_for_timeout(200)
    rows = stored(app)
    assert len(rows) == 1 and rows[0].language == "en" and rows[0].role == "family"
    with app.app_context():
        answers = {a.question_code: a.score for a in _db.session.merge(rows[0]).answers}
    assert answers["overall"] == 4 and answers["nurse_communication"] is not None and answers["food"] == 5
    assert [text for _v, text in comments(app)] == [COMMENT]
    with app.app_context():
        from survey_web.privacy import receipts

        assert receipts.find(code).id == rows[0].id, "the code shown on the tablet opens this interview"


def test_kiosk_pages_pass_axe_and_large_text_is_large(make_app):
    """axe-core finds no WCAG 2.2 AA violation on the tablet's start page and interview, normal and 大字版;
    in 大字版 the interview's questions and answers are at least 22 px and no text is under 20 px."""
    from ...browser import axe_violations
    from ..test_a11y_browser import TEXT_SIZES

    with kiosk(make_app, context_options={"bypass_csp": True}) as (_app, _context, page, _v):
        found = {"start": axe_violations(page)}
        start_interview(page)
        found["interview"] = axe_violations(page)
        page.click(".bigtoggle")
        found["interview large"] = axe_violations(page)
        small = [f"{kind} {text!r} {size}px" for kind, text, size in page.evaluate(TEXT_SIZES)
                 if size < (22 if kind in ("answer", "question") else 20)]
        screenshot(page, "kiosk-interview-large-axe-tablet")
        page.goto(page.url.split("/kiosk/")[0] + "/kiosk/")
        found["start large"] = axe_violations(page)
    assert {where: v for where, v in found.items() if v} == {}
    assert small == []
