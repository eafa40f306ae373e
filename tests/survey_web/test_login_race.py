"""Concurrent wrong passwords against a live, threaded server cannot get past the sign-in limit."""

from __future__ import annotations

import threading

import pytest

from ..browser import live_server
from ..conftest import REDIS_TEST_URL, hidden_fields
from ..tls import SiteClient
from .test_auth import make_user

pytestmark = pytest.mark.redis
GUESSES = 25


def test_concurrent_wrong_passwords_stay_within_the_limit(make_app):
    """25 simultaneous wrong passwords for one account (limit 5 a minute, counted in Redis): at most 5 are
    checked, the rest are refused with 429 (checking first and counting after let 8 through)."""
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_TEST_URL, LOGIN_LIMIT_IP="1000/minute")
    with app.app_context():
        make_user()
    with live_server(app) as base:
        port = int(base.rsplit(":", 1)[1])
        clients = [SiteClient(port) for _ in range(GUESSES)]
        forms = [{"csrf_token": hidden_fields(c.request("GET", "/staff/login")[2])["csrf_token"],
                  "username": "quality", "password": f"wrong-guess-{n}"} for n, c in enumerate(clients)]
        start = threading.Barrier(GUESSES)
        statuses: list[int] = []

        def guess(client, form):
            start.wait()
            statuses.append(client.request("POST", "/staff/login", form)[0])

        threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, forms, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert sorted(set(statuses)) == [401, 429] and len(statuses) == GUESSES
    assert statuses.count(401) == 5, f"{statuses.count(401)} guesses were checked against a limit of 5"
