"""`/healthz` answers anyone with up or down only; its details need HEALTHZ_TOKEN or a staff sign-in."""

from __future__ import annotations

from .test_auth import login, make_user

TOKEN = "monitoring-token-1234"


def test_anyone_gets_a_bare_liveness_answer(make_app):
    """Without the token the answer is only {"status": "ok"}: no queue depth, no worker count."""
    app = make_app(HEALTHZ_TOKEN=TOKEN)
    with app.app_context():
        client = app.test_client()
        for headers in ({}, {"Authorization": "Bearer wrong-token-00000000"}, {"Authorization": TOKEN}):
            reply = client.get("/healthz", headers=headers)
            assert reply.status_code == 200 and reply.get_json() == {"status": "ok"}
            assert reply.headers["Cache-Control"] == "no-store"


def test_details_with_the_token_or_a_staff_sign_in(make_app):
    """The bearer token, or a signed-in staff member, sees the database, Redis, queues and pending count."""
    app = make_app(HEALTHZ_TOKEN=TOKEN)
    with app.app_context():
        report = app.test_client().get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"}).get_json()
        assert report["database"] == "ok" and report["pending_comments"] == 0 and "queues" in report
        make_user()
        staff = app.test_client()
        login(staff)
        assert staff.get("/healthz").get_json()["database"] == "ok"


def test_no_token_configured_means_staff_only(make_app):
    """With HEALTHZ_TOKEN unset no bearer value opens the details (an empty token is not a password)."""
    app = make_app()
    with app.app_context():
        reply = app.test_client().get("/healthz", headers={"Authorization": "Bearer "})
        assert reply.get_json() == {"status": "ok"}
