"""The kiosk in a real browser (Debian chromium, tablet viewport): clean starts, offline rounds, idle wipe."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import Comment, Response

from ...browser import TABLET, chromium, live_server, screenshot
from ...factories import make_point
from .helpers import PASSWORD, make_volunteer

pytestmark = pytest.mark.browser
# Counts the tones the page plays (Debian's headless chromium has no speakers to listen to).
COUNT_BEEPS = """
  window.__beeps = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__beeps += 1; return start.apply(this, args); };
"""


def wait_until(page, script: str, timeout: float = 10) -> None:
    """Poll SCRIPT (a JS function) in the page; the strict CSP forbids Playwright's wait_for_function."""
    end = time.time() + timeout
    while time.time() < end:
        if page.evaluate(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {script}")


def stored(app) -> list[Response]:
    with app.app_context():
        _db.session.expire_all()
        return list(_db.session.scalars(select(Response).order_by(Response.id)))


@contextmanager
def kiosk(make_app, context_options: dict | None = None, **config):
    """A registered tablet at 1024x768 with volunteer 'volunteer' signed in and a ward chosen."""
    app = make_app(**config)
    with app.app_context():
        make_point("inpatient", name="心内科护士站")
        volunteer_id = make_volunteer().id
        link = app.test_cli_runner().invoke(args=["kiosk", "enrol", "5楼平板"]).output.strip()
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True, **(context_options or {}))
        context.add_init_script(COUNT_BEEPS)
        page = context.new_page()
        page.goto(link.replace(app.config["PUBLIC_BASE_URL"], base))
        page.click("button.startbtn")  # the enrolment link's confirmation
        page.locator("h1", has_text="平板已登记").wait_for()
        sign_in(page, base)
        page.locator(".wardbtn", has_text="心内科护士站").click()
        page.wait_for_selector(".startbtn")
        yield app, context, page, volunteer_id


CONTROLLED = "() => navigator.serviceWorker.controller !== null"


def ready_for_offline(page) -> None:
    """Wait until the service worker controls the page and the round's blank pages are cached (up to 30 s: with
    three test processes and other work on two cores, chromium took over 10 s to install the worker).

    The worker claims open pages when it activates; a registration begun on a page the volunteer had already
    left (enrolment, sign-in and the ward choice follow each other quickly) can leave this page unclaimed, as on
    a real tablet, where the next page load is controlled. So a page still uncontrolled after 30 s is reloaded
    once (the round's start page, nothing entered yet), and must then be controlled."""
    try:
        wait_until(page, CONTROLLED, timeout=30)
    except AssertionError:
        page.reload()
        page.wait_for_selector(".startbtn")
        wait_until(page, CONTROLLED, timeout=30)
    wait_until(page, "async () => (await (await caches.open('kiosk-pages')).keys()).length === 2", timeout=30)


def answer(page, role: str = "患者本人", overall: int = 0, comment: str = "") -> None:
    """Tap the role, the OVERALL-th answer of the overall question and one more, and type a comment."""
    page.locator("#q-role label", has_text=role).click()
    page.locator("#q-overall label").nth(overall).click()
    page.locator("#q-nurse_communication label").nth(1).click()
    if comment:
        page.fill("textarea", comment)


def form_is_blank(page) -> bool:
    return page.evaluate("""() => !document.querySelector('form.interview input[type=radio]:checked')
        && [...document.querySelectorAll('form.interview textarea, #contact')].every(e => e.value === '')""")


def raw_outbox(page) -> list[dict]:
    """Every record of the tablet's IndexedDB outbox, read directly (not through kiosk.js)."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('kiosk');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('sealed')) { resolve([]); return; }
          const get = db.transaction('sealed').objectStore('sealed').getAll();
          get.onsuccess = () => resolve(get.result);
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      })""")


def sign_in(page, base: str, username: str = "volunteer") -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/kiosk/")


def outbox_says(page, text: str) -> None:
    page.locator("[data-outbox-state]", has_text=text).wait_for(timeout=15000)


def test_two_interviews_in_a_row_the_second_starts_clean(make_app):
    """After an interview the tablet is back at a clean start: no answers, no history entry, no storage."""
    with kiosk(make_app) as (app, _context, page, volunteer_id):
        screenshot(page, "kiosk-start-tablet")
        history = page.evaluate("() => history.length")
        page.click(".startbtn")
        page.wait_for_selector("form.interview")
        page.wait_for_load_state("domcontentloaded")  # kiosk.js (deferred) has given this interview its key
        first_key = page.input_value("input[name=submission_key]")
        answer(page, role="家属或陪护", comment="护士夜里巡房很及时，谢谢")
        screenshot(page, "kiosk-interview-tablet")
        page.click("button.submit")
        page.locator("[data-flash=saved]").wait_for()
        outbox_says(page, "全部已发送")
        page.click(".startbtn")
        page.wait_for_selector("form.interview")
        assert form_is_blank(page), "the second respondent sees none of the first one's answers"
        assert page.input_value("input[name=submission_key]") != first_key
        assert page.evaluate("() => history.length") == history, "interviews leave no history entries"
        assert page.evaluate("() => localStorage.length") == 0
        assert page.evaluate("() => Object.keys(sessionStorage)") == ["kiosk-outbox-key"], "only the key"
        page.click(".bigtoggle")  # an older respondent asks for large text
        answer(page, role="患者本人", overall=2)
        screenshot(page, "kiosk-interview-large-text-tablet")
        page.click("button.submit")
        page.locator("[data-flash=saved]").wait_for()
        outbox_says(page, "全部已发送")
        assert page.evaluate("async () => (await window.kioskOutbox.all()).length") == 0
        page.locator("[data-server]", has_text="2 份").wait_for()
        screenshot(page, "kiosk-saved-tablet")
    rows = stored(app)
    assert [(r.role, r.mode, r.volunteer_id) for r in rows] == [
        ("family", "volunteer_assisted", volunteer_id), ("patient", "volunteer_assisted", volunteer_id)]
    assert rows[0].kiosk_id == rows[1].kiosk_id is not None
    assert rows[0].submission_key == first_key


def test_offline_round_keeps_interviews_and_sends_each_exactly_once(make_app):
    """With the network cut two interviews are kept on the tablet; when it returns exactly two are stored."""
    with kiosk(make_app) as (app, context, page, volunteer_id):
        ready_for_offline(page)  # the service worker and the round's pages, before Wi-Fi drops
        context.set_offline(True)
        for role, comment in (("患者本人", "病房空调太冷"), ("家属或陪护", "")):
            page.click(".startbtn")
            page.wait_for_selector("form.interview")
            assert form_is_blank(page)
            answer(page, role=role, comment=comment)
            page.click("button.submit")
            page.locator("[data-flash=queued]").wait_for()
        outbox_says(page, "尚未发送：平板上还保存着 2 份访谈")
        assert page.locator("[data-outbox-badge]").inner_text() == "未发送：2 份"
        page.click("[data-signout-button]")
        warning = page.locator("[data-signout-warning]")
        assert warning.is_visible() and "还有 2 份访谈尚未发送" in warning.inner_text()
        screenshot(page, "kiosk-offline-unsent-tablet")
        assert stored(app) == []

        context.set_offline(False)
        outbox_says(page, "全部已发送")
        page.evaluate("async () => { await window.kioskOutbox.sync(); }")  # a second pass sends nothing again
        page.reload()
        outbox_says(page, "全部已发送")
        screenshot(page, "kiosk-back-online-tablet")
    rows = stored(app)
    assert len(rows) == 2 and len({r.submission_key for r in rows}) == 2
    assert {r.role for r in rows} == {"patient", "family"}
    assert all(r.mode == "volunteer_assisted" and r.volunteer_id == volunteer_id for r in rows)
    with app.app_context():
        assert _db.session.scalar(select(func.count(Comment.id))) == 1


def test_reply_lost_on_the_way_back_is_replayed_without_a_second_row(make_app):
    """The server stored it but the tablet never heard back: the replay is answered 'duplicate', one row."""
    with kiosk(make_app) as (app, _context, page, _volunteer):
        lost = []

        def drop_reply(route):
            route.fetch()  # the server receives and stores the interview...
            lost.append(route.request.url)
            route.abort("connectionreset")  # ...and the answer never reaches the tablet

        page.route("**/kiosk/interview", lambda route: drop_reply(route) if route.request.method == "POST"
                   and not lost else route.fallback())
        page.click(".startbtn")
        page.wait_for_selector("form.interview")
        answer(page)
        page.click("button.submit")
        page.locator("[data-flash=queued]").wait_for()
        assert len(stored(app)) == 1 and lost
        outbox_says(page, "全部已发送")  # the next sync replays it and drops the copy on "duplicate"
    assert len(stored(app)) == 1


def test_server_refusal_is_shown_to_the_volunteer_not_dropped(make_app):
    """A queued interview the server refuses stays on the tablet with the reason until it is discarded."""
    with kiosk(make_app) as (app, context, page, _volunteer):
        ready_for_offline(page)
        context.set_offline(True)
        page.click(".startbtn")
        page.wait_for_selector("form.interview")
        # A damaged round token (e.g. a page from before a key change) cannot be accepted.
        page.evaluate("() => { document.querySelector('input[name=kiosk_token]').value = 'x.y.z'; }")
        answer(page)
        page.click("button.submit")
        page.locator("[data-flash=queued]").wait_for()
        context.set_offline(False)  # the 'online' event sends it
        outbox_says(page, "服务器未接收 1 份访谈")
        assert "无法接收" in page.locator("[data-refused]").inner_text()
        screenshot(page, "kiosk-refused-tablet")
        discard = page.locator("[data-refused] button")
        discard.click()
        assert discard.inner_text() == "再点一次即永久丢弃" and stored(app) == [], "one tap only arms it"
        page.click("[data-signout-button]")
        warning = page.locator("[data-signout-warning]")
        assert warning.is_visible() and "1 份被搁置的访谈将被删除" in warning.inner_text()
        page.click("[data-signout-anyway]")
        page.wait_for_url("**/staff/login")
        assert raw_outbox(page) == [], "refused copies do not stay after sign-out"
        assert page.evaluate("() => sessionStorage.getItem('kiosk-outbox-key')") is None
    assert stored(app) == []
