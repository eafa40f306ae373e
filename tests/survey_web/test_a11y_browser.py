"""The survey as an elderly respondent meets it: sizes, targets, contrast, keys and axe-core, in chromium."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import Response

from ..browser import SMALL_TARGETS, TABLET, axe_violations, chromium, live_server, screenshot
from ..factories import make_point

pytestmark = pytest.mark.browser

PHONE_360 = {"width": 360, "height": 740}
VIEWPORTS = {"phone": PHONE_360, "tablet": TABLET}

# Every visible text node with its computed size, and whether it is an answer or a question.
TEXT_SIZES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('.hp, script, style, [aria-hidden=true]')) continue;
    if (!el.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const kind = el.closest('.opt') ? 'answer' : el.closest('legend, .legend') ? 'question' : 'text';
    out.push([kind, node.textContent.trim().slice(0, 16), size]);
  }
  return out;
}"""
BUTTON_HEIGHTS = """() => [...document.querySelectorAll('button, .bigtoggle, .langs a, .langs strong, summary, .submit')]
  .filter(e => e.getClientRects().length)
  .map(e => [e.textContent.trim().slice(0, 16), e.getBoundingClientRect().height])"""


def _open(browser, base, token, viewport, big=None, *, javascript=True, contact=True):
    """The survey at VIEWPORT (大字版 on or off if BIG is given), the contact section opened if CONTACT."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True, java_script_enabled=javascript,
                                  is_mobile=viewport is PHONE_360, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/s/{token}" + ("" if big is None else f"?big={1 if big else 0}"))
    if contact:
        page.locator("details.contact summary").click()  # the consent controls are measured too
    return page


def _too_small(page) -> list[str]:
    problems = []
    for kind, text, size in page.evaluate(TEXT_SIZES):
        floor = 22 if kind in ("answer", "question") else 20
        if size < floor:
            problems.append(f"{kind} {text!r} {size}px")
    problems += [f"button {text!r} {round(h)}px tall" for text, h in page.evaluate(BUTTON_HEIGHTS) if h < 56]
    return problems


@pytest.mark.parametrize("size", VIEWPORTS)
def test_large_text_mode_has_no_text_below_20px(make_app, size):
    """In 大字版 no text is below 20 px, answers and questions are at least 22 px, buttons 56 px tall."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient").token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, VIEWPORTS[size], big=True)
        assert _too_small(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size]["width"]
        screenshot(page, f"a11y-large-text-{size}")
        page.locator("button[type=submit]").click()  # the error state: notices and messages too
        page.wait_for_load_state()
        assert _too_small(page) == []


def test_normal_mode_is_not_held_to_large_sizes(make_app):
    """The size check can fail: the normal survey has answers under 22 px (the check measures, not assumes)."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient").token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=False)
        assert any("answer" in problem for problem in _too_small(page))


@pytest.mark.parametrize("big", [False, True], ids=["normal", "large"])
def test_every_target_is_at_least_48px(make_app, big):
    """Consent tick, contact summary, answers, links and buttons are all at least 48 px, in both modes."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient").token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=big)
        assert page.evaluate(SMALL_TARGETS) == []
        screenshot(page, f"a11y-contact-{'large' if big else 'normal'}-phone")


def _contrast(page, script: str) -> float:
    return page.evaluate("""script => {
      const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                         return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const [a, b] = eval(script).map(rgb).map(lum).sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    }""", script)


def test_answer_borders_and_focus_ring_have_3_to_1_contrast(make_app):
    """WCAG 1.4.11: an answer's border and the keyboard focus ring stand out 3:1 from what is around them."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=False)
        border = """[getComputedStyle(document.querySelector('.opt > span')).borderTopColor,
                     getComputedStyle(document.querySelector('.q')).backgroundColor]"""
        assert _contrast(page, border) >= 3
        page.locator("#q-overall input").first.focus()
        page.keyboard.press("ArrowRight")  # keyboard focus, so :focus-visible applies
        ring = """[getComputedStyle(document.activeElement.nextElementSibling).outlineColor,
                   getComputedStyle(document.querySelector('.q')).backgroundColor]"""
        assert _contrast(page, ring) >= 3


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_enter_on_an_answer_does_not_send_the_survey(make_app, javascript):
    """Enter on a radio or in the phone field keeps the respondent on the page; only the button sends."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, javascript=javascript, contact=False)
        page.locator("#q-role label").first.click()
        page.locator("#q-overall input").first.focus()
        page.keyboard.press("Enter")
        page.locator("details.contact summary").click()
        page.locator("#contact").focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
        assert page.url == f"{base}/s/{token}" and page.locator("html.big").count() == 0
        assert page.locator("#q-role input").first.is_checked()
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_space_on_the_large_text_toggle_toggles_it(make_app):
    """Where the toggle is a link announced as a button (pages without a survey form), Space presses it."""
    app = make_app()
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport=PHONE_360, locale="zh-CN")
        page.goto(f"{base}/")
        toggle = page.locator("a.bigtoggle")
        assert toggle.get_attribute("role") == "button"
        toggle.focus()
        page.keyboard.press("Space")
        assert page.evaluate("document.documentElement.classList.contains('big')")
        assert toggle.get_attribute("aria-pressed") == "true"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_switching_language_mid_survey_keeps_every_answer(make_app, javascript):
    """繁體中文, then English, then 大字版 in the middle of a survey: every answer and the comment stay."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, javascript=javascript, contact=False)
        page.locator("#q-role label").first.click()
        page.locator("#q-overall label").nth(1).click()
        page.locator("#q-parking label").last.click()
        page.fill("textarea", "挂号很方便")
        page.locator(".langs button", has_text="繁體中文").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "zh-TW"
        page.locator(".langs button", has_text="English").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Outpatient satisfaction survey"
        page.locator(".bigtoggle").click()
        page.wait_for_load_state()
        assert page.locator("html.big").count() == 1
        assert page.locator("#q-role input").first.is_checked()
        assert page.locator("#q-overall input[value='4']").is_checked()
        assert page.locator("#q-parking input[value='na']").is_checked()
        assert page.locator("textarea").input_value() == "挂号很方便"
        screenshot(page, f"a11y-language-switch-{'js' if javascript else 'nojs'}")
        page.locator("form button[type=submit]").click()
        page.wait_for_url("**/thanks")
    with app.app_context():
        response = _db.session.scalar(select(Response))
        assert response.language == "en" and len(response.answers) == 2


@pytest.mark.parametrize("big", [False, True], ids=["normal", "large"])
def test_respondent_pages_pass_axe_wcag_aa(make_app, big):
    """axe-core finds no WCAG 2.2 AA violation on the survey, its error state, the thanks page and a bad QR."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient").token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=big)
        assert axe_violations(page) == []
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert axe_violations(page) == [], "error state"
        page.locator("#q-role label").first.click()
        page.locator("#q-overall label").first.click()
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
        assert axe_violations(page) == [], "thanks page"
        page.goto(f"{base}/s/not-a-real-token")
        assert axe_violations(page) == [], "unknown QR code"


def test_quick_submit_then_deliberate_tap_is_stored_once_and_back_is_harmless(make_app):
    """Submitted at 2 s and again at 3 s: stored once, on the second tap; Back shows no resubmission prompt."""
    app = make_app(MIN_FILL_SECONDS=5)
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=True)
        page.locator("#q-role label").first.click()
        page.locator("#q-overall label").first.click()
        page.wait_for_timeout(2000)
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        notice = page.locator("#notice")
        assert "还没有保存" in notice.inner_text()
        assert page.evaluate("document.activeElement.id") == "notice", "focus moves to the notice"
        assert page.locator("#q-overall input").first.is_checked()
        screenshot(page, "a11y-quick-notice-large-phone")
        page.wait_for_timeout(1000)
        notice.locator("button", has_text="确认提交").click()  # no scrolling back 8 screens to 提交
        page.wait_for_url("**/thanks")
        page.go_back()
        page.wait_for_load_state()
        assert page.url.startswith(f"{base}/s/{token}") and page.locator("form.survey").count() == 1
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_an_error_notice_links_to_the_first_problem(make_app):
    """A refused survey focuses the notice, whose link jumps to the first question that needs an answer."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = _open(browser, base, token, PHONE_360, big=False)
        page.locator("#q-overall label").first.click()
        page.locator("label.check").click()  # consent without a number: an error far below
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "notice"
        link = page.locator("#notice a")
        assert link.get_attribute("href") == "#q-role"
        link.click()
        assert page.evaluate("document.getElementById('q-role').getBoundingClientRect().top") < PHONE_360["height"]
        screenshot(page, "a11y-error-notice-phone")
