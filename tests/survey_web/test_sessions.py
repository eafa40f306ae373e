"""Staff sessions end: at sign-out (everywhere), after idling, after the absolute lifetime, on a new password."""

from __future__ import annotations

from survey_web.accounts import sessions
from survey_web.extensions import db as _db

from .test_auth import PASSWORD, csrf, login, make_user


def copied(app, client):
    """A second client holding a copy of CLIENT's session cookie (a stolen or shared cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_copied_cookie_fails_after_logout(app, db, client):
    """After sign-out, a copy of the session cookie taken before it no longer opens staff pages."""
    make_user()
    login(client)
    thief = copied(app, client)
    assert thief.get("/staff/account").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff/account")})
    assert thief.get("/staff/account").status_code == 302


def test_idle_session_ends(app, db, client, monkeypatch):
    """A session unused for longer than SESSION_IDLE_MINUTES asks to sign in again; activity keeps it alive."""
    make_user()
    start = sessions.now()
    login(client)
    app.config["SESSION_IDLE_MINUTES"] = 30
    monkeypatch.setattr(sessions, "now", lambda: start + 29 * 60)
    assert client.get("/staff/account").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 58 * 60)
    assert client.get("/staff/account").status_code == 200, "the visit at 29 min restarted the idle clock"
    monkeypatch.setattr(sessions, "now", lambda: start + 90 * 60)
    reply = client.get("/staff/account")
    assert reply.status_code == 302 and "/staff/login" in reply.headers["Location"]
    assert "会话已结束" in client.get("/staff/login").get_data(as_text=True)


def test_session_ends_after_its_lifetime_even_when_busy(app, db, client, monkeypatch):
    """However active, a session ends 12 hours (PERMANENT_SESSION_LIFETIME) after sign-in."""
    make_user()
    start = sessions.now()
    login(client)
    for minutes in range(20, 12 * 60, 20):
        monkeypatch.setattr(sessions, "now", lambda m=minutes: start + m * 60)
        assert client.get("/staff/account").status_code == 200
    monkeypatch.setattr(sessions, "now", lambda: start + 12 * 3600 + 60)
    assert client.get("/staff/account").status_code == 302


def test_changing_the_password_ends_other_sessions(app, db, client):
    """A user changes their own password: this browser stays signed in, a copied cookie does not."""
    user = make_user()
    login(client)
    thief = copied(app, client)
    reply = client.post("/staff/account/password", data={
        "csrf_token": csrf(client, "/staff/account/password"), "current": PASSWORD,
        "new": "a-much-better-9", "repeat": "a-much-better-9"})
    assert reply.status_code == 302
    assert client.get("/staff/account").status_code == 200
    assert thief.get("/staff/account").status_code == 302
    _db.session.refresh(user)
    from survey_web.accounts.passwords import verify_password

    assert verify_password(user.password_hash, "a-much-better-9")


def test_password_change_needs_the_current_password_and_refuses_common_ones(app, db, client):
    """A wrong current password, a breach-list password or one containing the username is refused."""
    make_user()
    login(client)

    def change(current, new):
        return client.post("/staff/account/password", data={
            "csrf_token": csrf(client, "/staff/account/password"), "current": current, "new": new, "repeat": new})

    assert "当前密码不正确" in change("wrong-one-123", "a-much-better-9").get_data(as_text=True)
    assert "太常见" in change(PASSWORD, "password123").get_data(as_text=True)
    assert "太常见" in change(PASSWORD, "Quality-2025x").get_data(as_text=True)
    assert client.get("/staff/account").status_code == 200
    assert login(app.test_client()).status_code == 302, "the old password still works"
