"""Staff sign-in: argon2id, fresh sessions, rate limits, the users command."""

from __future__ import annotations

from sqlalchemy import select

from survey_web.accounts.passwords import hash_password
from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, Department, Hospital, User

PASSWORD = "correct-horse-42"


def make_user(role="quality", username="quality", department=None) -> User:
    hospital = _db.session.scalar(select(Hospital)) or Hospital(code="H", name="测试医院")
    user = User(username=username, display_name="王主任", role=role, password_hash=hash_password(PASSWORD),
                hospital=hospital, department=department)
    _db.session.add(user)
    _db.session.commit()
    return user


def csrf(client, url="/staff/login") -> str:
    from ..conftest import hidden_fields

    return hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"]


def login(client, username="quality", password=PASSWORD):
    return client.post("/staff/login", data={"csrf_token": csrf(client), "username": username,
                                             "password": password})


def test_passwords_are_argon2id(app, db):
    """Stored hashes are argon2id, never the password."""
    user = make_user()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_login_gives_a_new_session_and_is_audited(app, db, client):
    """A correct sign-in replaces the session cookie and writes an audit event."""
    make_user()
    client.get("/staff/login")
    before = client.get_cookie("session")
    reply = login(client)
    assert reply.status_code == 302
    after = client.get_cookie("session")
    assert after is not None and (before is None or after.value != before.value)
    assert client.get("/staff/account").status_code == 200
    assert _db.session.scalar(select(AuditEvent.action)) == "login"


def test_wrong_password_is_refused_in_chinese(app, db, client):
    """A wrong password gets 401 and a Chinese message; no session is made."""
    make_user()
    reply = login(client, password="wrong-password-1")
    assert reply.status_code == 401 and "用户名或密码错误" in reply.get_data(as_text=True)
    assert client.get("/staff/account").status_code == 302


def test_login_is_rate_limited_per_username(app, db, client):
    """After five failures for one username even the right password waits."""
    make_user()
    for _ in range(5):
        assert login(client, password="nope-nope-1").status_code == 401
    reply = login(client)
    assert reply.status_code == 429 and "尝试次数过多" in reply.get_data(as_text=True)


def test_login_without_csrf_is_refused(app, db, client):
    """A sign-in POST without the CSRF token is rejected."""
    make_user()
    reply = client.post("/staff/login", data={"username": "quality", "password": PASSWORD})
    assert reply.status_code == 400
    assert client.get("/staff/account").status_code == 302


def test_next_parameter_cannot_redirect_off_site(app, db, client):
    """?next= only accepts local paths."""
    make_user()
    token = csrf(client)
    reply = client.post("/staff/login?next=https://evil.example/", data={"csrf_token": token, "username": "quality",
                                                                          "password": PASSWORD})
    assert "evil.example" not in reply.headers["Location"]


def test_deactivated_user_is_signed_out(app, db, client):
    """Deactivating an account ends its sessions at the next request."""
    user = make_user()
    login(client)
    user.active = False
    _db.session.commit()
    assert client.get("/staff/account").status_code == 302


def test_logout_needs_post_and_ends_the_session(app, db, client):
    """Sign-out is a POST with CSRF; afterwards staff pages ask to sign in."""
    make_user()
    login(client)
    assert client.get("/staff/logout").status_code == 405
    token = csrf(client, "/staff/account")
    assert client.post("/staff/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/account").status_code == 302


def test_users_create_command(app, db):
    """`flask users create` makes an account with a strong password and the right scope."""
    hospital = Hospital(code="H9", name="测试医院")
    _db.session.add(Department(hospital=hospital, code="CARD", name="心内科", kind="inpatient"))
    _db.session.commit()
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "--username", "li", "--role", "dept_head", "--hospital", "H9",
                               "--department", "CARD", "--password", "123"])
    assert weak.exit_code != 0 and "至少 10 个字符" in weak.output
    ok = runner.invoke(args=["users", "create", "--username", "li", "--role", "dept_head", "--hospital", "H9",
                             "--department", "CARD", "--password", PASSWORD])
    assert ok.exit_code == 0, ok.output
    user = _db.session.scalar(select(User).where(User.username == "li"))
    assert user.department.code == "CARD" and user.hospital.code == "H9"
    missing = runner.invoke(args=["users", "create", "--username", "x", "--role", "dept_head", "--hospital", "H9",
                                  "--password", PASSWORD])
    assert missing.exit_code != 0 and "--department is required" in missing.output


def test_failed_logins_and_lock_outs_are_audited(app, db, client):
    """Each failed sign-in is audited with the name typed (never the password); a lock-out once a minute."""
    user = make_user()
    for _ in range(5):
        login(client, password="nope-nope-1")
    login(client, username="nobody", password="nope-nope-1")
    for _ in range(3):
        assert login(client, password="nope-nope-1").status_code == 429
    events = _db.session.execute(select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.after, AuditEvent.ip)
                                 .order_by(AuditEvent.id)).all()
    failed = [e for e in events if e.action == "login_failed"]
    assert len(failed) == 6 and failed[0].entity_id == user.id and failed[-1].entity_id is None
    assert failed[-1].after["username"] == "nobody" and failed[0].ip == "127.0.0.1"
    assert [e.action for e in events].count("login_locked") == 1
    assert all("nope" not in str(e.after) for e in events)


def test_common_passwords_are_refused():
    """Passwords from the breach list, or containing the username, are refused; a good one passes."""
    from survey_web.accounts.passwords import password_problem

    assert password_problem("password123") and password_problem("qwerty123456")
    assert password_problem("wang-2025-pass", username="wang")
    assert password_problem("correct-horse-42") is None
