"""大字版 and read-aloud in a real browser, on a phone, with and without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from question_banks import scale_levels
from survey_web.extensions import db as _db
from survey_web.models import Answer, Response

from ...browser import PHONE, SMALL_TARGETS, chromium, live_server, screenshot
from ...factories import make_point

pytestmark = pytest.mark.browser

# A stand-in for the device's speech engine: Debian's headless chromium has no voices of its own.
FAKE_VOICE = """
  window.__spoken = [];
  const voices = %s;
  Object.defineProperty(window, 'speechSynthesis', {value: {
    getVoices: () => voices, speak: u => window.__spoken.push([u.text, u.lang]), cancel: () => {},
    addEventListener: () => {}}});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def test_large_text_mode_at_phone_size(make_app):
    """One tap gives large, high-contrast text with plain wording and face buttons; every target is >= 48 px."""
    app = make_app()
    with app.app_context():
        token = make_point("outpatient").token
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        page.goto(f"{base}/s/{token}")
        assert page.locator("#q-appointment legend").inner_text().startswith("1. 您对这次挂号")
        page.locator(".bigtoggle").click()
        assert page.evaluate("() => document.documentElement.classList.contains('big')")
        assert page.url == f"{base}/s/{token}", "instant with JavaScript: no reload, answers stay"
        legend = page.locator("#q-appointment legend").inner_text()
        assert legend == "1. 这次挂号，您满意吗？", legend
        first = page.locator("#q-overall .opt").first
        assert first.inner_text().split() == ["😄", "很满意", "5"]
        assert page.evaluate(SMALL_TARGETS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "22px"
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("#q-overall label").first.click()
        page.locator("#q-waiting label", has_text="不满意").first.click()
        screenshot(page, "survey-large-text-phone")
        page.reload()
        assert page.evaluate("() => document.documentElement.classList.contains('big')"), "remembered"
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("#q-overall label").first.click()
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
        assert page.locator("a.bigtoggle").get_attribute("aria-pressed") == "true"
        screenshot(page, "survey-large-text-thanks-phone")
    with app.app_context():
        assert _db.session.scalar(select(Response.mode)) == "self"
        assert _db.session.scalar(select(Answer.score).where(Answer.question_code == "overall")) == 5


def test_large_text_toggle_works_without_javascript(make_app):
    """With JavaScript off the 大字版 link reloads the page large, and the choice is remembered."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="zh-CN").new_page()
        page.goto(f"{base}/s/{token}")
        page.locator(".bigtoggle").click()
        page.wait_for_url("**?big=1")
        assert page.locator("html.big").count() == 1
        page.goto(f"{base}/s/{token}")
        assert page.locator("html.big").count() == 1
        assert page.locator("#q-appointment legend").inner_text() == "1. 这次挂号，您满意吗？"
        assert page.locator(".speak").count() == 0, "no read-aloud without JavaScript"


def test_read_aloud_reads_question_and_choices_in_mandarin(make_app):
    """With a Mandarin voice on the device each question gets a button that reads it and its answers."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        context.add_init_script(FAKE_VOICE % "[{lang: 'zh-CN', name: '普通话', localService: true}]")
        page = context.new_page()
        page.goto(f"{base}/s/{token}?big=1")
        buttons = page.locator("#q-overall .speak")
        assert buttons.count() == 1 and "朗读" in buttons.inner_text()
        buttons.click()
        text, lang = page.evaluate("() => window.__spoken[0]")
        assert lang == "zh-CN"
        # 大字版 is on: the plain wording and the short answer words, as the page shows them.
        assert text.endswith("这次来看病，您总体满意吗？。很满意，满意，一般，不满意，很不满意"), text
        page.locator("#q-appointment .speak").click()
        assert page.evaluate("() => window.__spoken[1][0]").startswith("1. 这次挂号，您满意吗？。很满意")
        screenshot(page, "survey-read-aloud-phone")


def test_read_aloud_hides_without_a_local_mandarin_voice(make_app):
    """No voice, or only an online or Cantonese one: no read-aloud buttons at all."""
    app = make_app()
    with app.app_context():
        token = make_point().token
    with live_server(app) as base, chromium() as browser:
        for voices in ("[]", "[{lang: 'zh-CN', name: 'cloud', localService: false}]",
                       "[{lang: 'zh-HK', name: '粤语', localService: true}]"):
            context = browser.new_context(viewport=PHONE, locale="zh-CN")
            context.add_init_script(FAKE_VOICE % voices)
            page = context.new_page()
            page.goto(f"{base}/s/{token}")
            page.locator("form.survey").wait_for()
            assert page.locator(".speak").count() == 0, voices
            context.close()


def test_read_aloud_plays_recorded_clips_without_a_device_voice(make_app, tmp_path):
    """No Mandarin voice on the phone: the button plays the server's clips, the wording then each answer."""
    from survey_web import banks, speech

    app = make_app(AUDIO_DIR=str(tmp_path))
    with app.app_context():
        token = make_point().token
    with app.test_request_context():
        overall = banks.current("outpatient").question("overall")
        shorts = [level.short["zh-CN"] for level in scale_levels(na=False)]
        speech.render_clips([("zh-CN", overall.plain["zh-CN"]), *[("zh-CN", word) for word in shorts]])
        expected = [speech.clip_url(text, "zh-CN") for text in [overall.plain["zh-CN"], *shorts]]
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
        context.add_init_script(FAKE_VOICE % "[]" + """
          window.__played = [];
          HTMLMediaElement.prototype.play = function () {
            window.__played.push(new URL(this.src).pathname);
            setTimeout(() => this.dispatchEvent(new Event('ended')), 10);
            return Promise.resolve();
          };""")
        page = context.new_page()
        page.goto(f"{base}/s/{token}?big=1")
        button = page.locator("#q-overall .speak")
        button.wait_for()
        assert page.locator("#q-appointment .speak").count() == 1, "every question gets the button"
        button.click()
        page.wait_for_function("() => window.__played.length >= 6")
        assert page.evaluate("window.__played") == expected
        assert page.request.get(base + expected[0]).body()[:4] == b"OggS"
        screenshot(page, "survey-read-aloud-clips-phone")
