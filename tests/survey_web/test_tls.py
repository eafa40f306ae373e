"""Over real TLS, as production runs: gunicorn with its own certificate, and gunicorn behind nginx.

Every other browser test speaks plain HTTP, where Flask-WTF skips its HTTPS Referer check; this is where
`Referrer-Policy: no-referrer` made every staff sign-in a 400.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select

from survey_web.accounts.passwords import hash_password
from survey_web.extensions import db as _db
from survey_web.models import Comment, Response, User

from ..browser import PHONE, TABLET, chromium, screenshot
from ..factories import make_point
from ..tls import free_port, gunicorn, make_certificate, nginx, server_env
from .kiosk.test_kiosk_browser import answer, outbox_says, ready_for_offline

pytestmark = pytest.mark.browser
PASSWORD = "ward-rounds-2025"


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path / "tls")


@contextmanager
def served(how: str, database_url: str, certificate, tmp_path, **env):
    """The app at an https:// base URL: gunicorn's own TLS ("gunicorn") or nginx in front ("nginx")."""
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    if how == "gunicorn":
        with gunicorn(server_env(database_url, base, **env), certificate, port=port):
            yield base
    else:
        settings = server_env(database_url, base, TRUSTED_PROXIES="1", **env)
        with gunicorn(settings) as upstream, nginx(upstream, certificate, tmp_path / "nginx", port=port):
            yield base


def trusting(certificate):
    """Chromium that accepts the test certificate as valid (service workers need a valid one)."""
    return chromium((f"--ignore-certificate-errors-spki-list={certificate.spki_sha256}",))


def add_user(username: str, role: str, point) -> None:
    _db.session.add(User(username=username, display_name=username, role=role, password_hash=hash_password(PASSWORD),
                         hospital=point.department.hospital, department=point.department))
    _db.session.commit()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("how", ["gunicorn", "nginx"])
def test_staff_sign_in_over_https(make_app, database_url, certificate, tmp_path, how):
    """A department head signs in over HTTPS and reaches the office; the session cookie is Secure."""
    app = make_app()
    with app.app_context():
        add_user("head", "dept_head", make_point("inpatient"))
    with served(how, database_url, certificate, tmp_path) as base, trusting(certificate) as browser:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, "head")
        page.wait_for_url(f"{base}/office/**")
        assert page.locator("h1").count() and "登录" not in page.locator("h1").first.inner_text()
        screenshot(page, f"staff-signed-in-https-{how}")
        cookie = next(c for c in context.cookies() if c["name"] == "session")
        assert cookie["secure"] and cookie["httpOnly"]
        page.click("header .who button[type=submit]")  # sign-out is a CSRF-checked POST too
        page.wait_for_url(f"{base}/staff/login")
        assert "您已退出登录" in page.content()


@pytest.mark.parametrize("how", ["gunicorn", "nginx"])
def test_survey_over_https(make_app, database_url, certificate, tmp_path, how):
    """A phone answers a ward's survey over HTTPS; the answers and comment are stored."""
    app = make_app()
    with app.app_context():
        token = make_point("inpatient", name="心内科护士站").token
    with served(how, database_url, certificate, tmp_path) as base, trusting(certificate) as browser:
        page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page.goto(f"{base}/s/{token}")
        page.locator("#q-role label", has_text="患者本人").click()
        page.locator("#q-overall label", has_text="非常满意").click()
        page.fill("textarea", "夜班护士很细心")
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks")
        assert "感谢" in page.locator("h1").inner_text()
    with app.app_context():
        assert _db.session.scalar(select(Response.role)) == "patient"
        assert _db.session.scalar(select(Comment.text)) == "夜班护士很细心"


def test_kiosk_over_https_behind_nginx(make_app, database_url, certificate, tmp_path):
    """Behind nginx over HTTPS a tablet enrols, a volunteer signs in, the service worker takes the round
    offline, and an interview is stored as assisted."""
    app = make_app()
    with app.app_context():
        point = make_point("inpatient", name="心内科护士站")
        add_user("volunteer", "volunteer", point)
        link = app.test_cli_runner().invoke(args=["kiosk", "enrol", "5楼平板"]).output.strip()
    with served("nginx", database_url, certificate, tmp_path) as base, trusting(certificate) as browser:
        context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True)
        page = context.new_page()
        page.goto(link.replace(app.config["PUBLIC_BASE_URL"], base))
        page.click("button.startbtn")  # the enrolment link's confirmation (a POST, over TLS and the proxy)
        page.locator("h1", has_text="平板已登记").wait_for()
        sign_in(page, base, "volunteer")
        page.wait_for_url("**/kiosk/")
        page.locator(".wardbtn", has_text="心内科护士站").click()
        page.wait_for_selector(".startbtn")
        ready_for_offline(page)  # a service worker registers only on a secure origin with a valid certificate
        page.click(".startbtn")
        page.wait_for_selector("form.interview")
        answer(page, role="家属或陪护", comment="护士夜里巡房很及时")
        page.click("button.submit")
        page.locator("[data-flash=saved]").wait_for()
        outbox_says(page, "全部已发送")
        screenshot(page, "kiosk-https-nginx")
    with app.app_context():
        assert _db.session.scalar(select(Response.mode)) == "volunteer_assisted"


def test_two_step_enrolment_over_https(make_app, database_url, certificate, tmp_path):
    """Over HTTPS behind nginx, a quality-office account enrols at its first sign-in: the QR code shows (the
    CSP admits it), the key typed into an authenticator gives a code, and the office opens."""
    import pyotp

    app = make_app()
    with app.app_context():
        add_user("quality", "quality", make_point("inpatient"))
    with served("nginx", database_url, certificate, tmp_path, TWO_FACTOR_ROLES="admin,quality") as base, \
            trusting(certificate) as browser:
        page = browser.new_page(locale="zh-CN")
        sign_in(page, base, "quality")
        page.wait_for_url(f"{base}/staff/login/code")
        qr = page.locator(".qr img")
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", qr.element_handle())
        screenshot(page, "staff-two-step-enrolment")
        page.fill("#code", pyotp.TOTP(page.locator("code.secret").inner_text()).now())
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/office/**")
