"""Two-step sign-in (TOTP): required for admin and quality-office accounts, optional for the others."""

from __future__ import annotations

import base64
import io
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent

from .test_auth import csrf, login, make_user

REQUIRED = ("admin", "quality")


@pytest.fixture
def app(make_app):
    return make_app(TWO_FACTOR_ROLES=REQUIRED)


def enrolment(client) -> tuple[str, str]:
    """The secret shown on the code page, and what its QR code decodes to."""
    import zxingcpp
    from PIL import Image

    html = client.get("/staff/login/code").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    return secret, zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text


def send_code(client, code: str, url: str = "/staff/login/code"):
    return client.post(url, data={"csrf_token": csrf(client, url), "code": code})


def later_code(secret: str, steps: int = 1) -> str:
    """The code of a coming time step (accepted: a phone's clock may run a little ahead)."""
    return pyotp.TOTP(secret).at(int(time.time()) + 30 * steps)


def test_quality_account_must_enrol_at_first_sign_in(app, db, client):
    """After the password a quality account is not signed in yet: it scans a QR code (or types the key),
    confirms a code, and only then reaches the office; the secret is stored encrypted."""
    user = make_user(role="quality")
    reply = login(client)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/staff/login/code")
    assert client.get("/staff/account").status_code == 302, "the password alone signs nobody in"
    secret, uri = enrolment(client)
    cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    assert secret not in repr(cookie), "the secret being enrolled is not in clear in the session cookie"
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "quality" in uri
    assert send_code(client, "000000").status_code == 401
    assert send_code(client, pyotp.TOTP(secret).now()).status_code == 302
    assert client.get("/staff/account").status_code == 200
    _db.session.refresh(user)
    assert user.totp_secret and secret.encode() not in user.totp_secret
    actions = _db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "enrol_two_factor", "login"]


def test_enrolled_account_needs_a_fresh_code_each_time(app, db, client):
    """Next time the code page asks for a code only; a code already used is refused (no replay)."""
    make_user(role="admin", username="admin")
    login(client, username="admin")
    secret, _uri = enrolment(client)
    used = pyotp.TOTP(secret).now()
    assert send_code(client, used).status_code == 302
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff/account")})

    second = app.test_client()
    login(second, username="admin")
    html = second.get("/staff/login/code").get_data(as_text=True)
    assert "data:image/png" not in html and "secret" not in html
    assert send_code(second, used).status_code == 401, "a used code cannot be replayed"
    assert send_code(second, later_code(secret)).status_code == 302
    assert second.get("/staff/account").status_code == 200


def test_codes_are_rate_limited(app, db, client):
    """Guessing codes counts against the same per-account limit as passwords."""
    make_user(role="quality")
    login(client)
    enrolment(client)
    statuses = [send_code(client, f"{n:06d}").status_code for n in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[-1] == 429


def test_other_roles_may_enrol_from_their_account(app, db, client):
    """A department head signs in with a password; after enrolling on the account page a code is needed."""
    make_user(role="dept_head", username="head")
    assert login(client, username="head").headers["Location"].endswith("/office/")
    html = client.get("/staff/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    assert send_code(client, "123456", "/staff/account/two-factor").status_code == 400
    assert send_code(client, pyotp.TOTP(secret).now(), "/staff/account/two-factor").status_code == 302
    assert client.get("/staff/account").status_code == 200, "this session stays signed in"
    other = app.test_client()
    assert login(other, username="head").headers["Location"].endswith("/staff/login/code")
    assert send_code(other, later_code(secret)).status_code == 302


def test_a_session_without_the_required_second_factor_ends(app, db, client):
    """A quality session begun while two-step sign-in was not required ends once it is."""
    make_user(role="quality")
    app.config["TWO_FACTOR_ROLES"] = ()
    login(client)
    assert client.get("/staff/account").status_code == 200
    app.config["TWO_FACTOR_ROLES"] = REQUIRED
    assert client.get("/staff/account").status_code == 302


def test_the_pending_sign_in_expires(app, db, client, monkeypatch):
    """Five minutes after the password the code page sends the user back to the password."""
    from survey_web.accounts import sessions

    make_user(role="quality")
    login(client)
    start = sessions.now()
    monkeypatch.setattr(sessions, "now", lambda: start + 301)
    reply = client.get("/staff/login/code")
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/staff/login")


def test_admin_resets_a_lost_authenticator(app, db, client):
    """An admin resets a department head's authenticator: audited, and no code is asked next time."""
    from survey_web.accounts import two_factor

    head = make_user(role="dept_head", username="head")
    lost = two_factor.new_secret()
    assert two_factor.enrol(head, lost, pyotp.TOTP(lost).now())
    _db.session.commit()
    make_user(role="admin", username="admin")
    login(client, username="admin")
    secret, _uri = enrolment(client)
    assert send_code(client, pyotp.TOTP(secret).now()).status_code == 302
    reply = client.post(f"/admin/users/{head.id}/two-factor/reset", data={"csrf_token": csrf(client, "/admin/")})
    assert reply.status_code == 302
    _db.session.refresh(head)
    assert head.totp_secret is None
    assert login(app.test_client(), username="head").headers["Location"].endswith("/office/")
    assert _db.session.scalar(select(AuditEvent.entity_id).where(AuditEvent.action == "reset_two_factor")) == head.id
