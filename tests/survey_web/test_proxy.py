"""Behind a reverse proxy the app sees each client's own address (TRUSTED_PROXIES), and no forged one."""

from __future__ import annotations

from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent

from ..conftest import hidden_fields
from ..tls import SiteClient, free_port, gunicorn, make_certificate, nginx, server_env
from .test_auth import PASSWORD, make_user

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # nginx's address as the app's socket sees it


def attempt(client, username: str, password: str, forwarded: str) -> int:
    headers = {"X-Forwarded-For": forwarded, "X-Forwarded-Proto": "https", "Referer": "https://localhost/staff/login"}
    page = client.get("/staff/login", headers=headers, environ_base=PROXY).get_data(as_text=True)
    return client.post("/staff/login", headers=headers, environ_base=PROXY, data={
        "csrf_token": hidden_fields(page)["csrf_token"], "username": username, "password": password}).status_code


def test_one_clients_failures_do_not_lock_out_another_behind_the_proxy(make_app):
    """With TRUSTED_PROXIES=1, 31 made-up sign-ins from one client leave another client's sign-in working,
    and the audit log records the clients' addresses, not the proxy's."""
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        make_user()
        attacker, office = app.test_client(), app.test_client()
        statuses = [attempt(attacker, f"guess{n}", "nope-nope-1", "198.51.100.7") for n in range(31)]
        assert statuses[:30] == [401] * 30 and statuses[30] == 429
        assert attempt(office, "quality", PASSWORD, "203.0.113.5") == 302
        login = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
        assert login.ip == "203.0.113.5"
        failed = _db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login_failed")).all()
        assert set(failed) == {"198.51.100.7"}


def test_forwarded_headers_are_ignored_without_trusted_proxies(make_app):
    """With the default TRUSTED_PROXIES=0 a client cannot choose its address by sending X-Forwarded-For."""
    app = make_app()
    with app.app_context():
        make_user()
        client = app.test_client()
        assert attempt(client, "quality", PASSWORD, "203.0.113.5") == 302
        assert _db.session.scalar(select(AuditEvent.ip).where(AuditEvent.action == "login")) == "10.0.0.2"


def test_behind_real_nginx_limits_and_audit_follow_the_client(make_app, database_url, tmp_path):
    """gunicorn behind nginx (the README's block): 31 failed sign-ins from 127.0.0.2, even with a forged
    X-Forwarded-For, lock out only that client; 127.0.0.3 signs in and is audited under its own address."""
    app = make_app()
    with app.app_context():
        make_user()
    certificate = make_certificate(tmp_path / "tls")
    port = free_port()
    env = server_env(database_url, f"https://127.0.0.1:{port}", TRUSTED_PROXIES="1", TWO_FACTOR_ROLES="none")
    with gunicorn(env) as upstream, nginx(upstream, certificate, tmp_path / "nginx", port=port):
        def sign_in(client, username, password):
            _status, _headers, page = client.request("GET", "/staff/login")
            form = {"csrf_token": hidden_fields(page)["csrf_token"], "username": username, "password": password}
            return client.request("POST", "/staff/login", form, headers={"X-Forwarded-For": "192.0.2.99"})[0]

        attacker = SiteClient(port, certificate, source="127.0.0.2")
        statuses = [sign_in(attacker, f"guess{n}", "nope-nope-1") for n in range(31)]
        assert statuses[:30] == [401] * 30 and statuses[30] == 429
        assert sign_in(SiteClient(port, certificate, source="127.0.0.3"), "quality", PASSWORD) == 302
    with app.app_context():
        events = _db.session.execute(select(AuditEvent.action, AuditEvent.ip)).all()
        assert {ip for action, ip in events if action == "login_failed"} == {"127.0.0.2"}
        assert [ip for action, ip in events if action == "login"] == ["127.0.0.3"]
