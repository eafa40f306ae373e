"""A volunteer with a registered tablet, driven through the test client like kiosk.js would."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from survey_web.accounts.passwords import hash_password
from survey_web.extensions import db
from survey_web.models import Hospital, User

PASSWORD = "tablet-round-2025"


def make_volunteer(username: str = "volunteer", hospital: Hospital | None = None, role: str = "volunteer") -> User:
    hospital = hospital or db.session.scalar(select(Hospital))
    user = User(username=username, display_name=f"志愿者 {username}", role=role, hospital=hospital,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.commit()
    return user


def field(html: str, name: str) -> str | None:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else ""
    return None


def enrol(client, path: str):
    """Open an enrolment link and confirm it, as a volunteer does on the tablet."""
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(path, data={"csrf_token": field(page.get_data(as_text=True), "csrf_token")})


class Tablet:
    """A registered kiosk (its own cookie jar) on which volunteers sign in and run interviews."""

    def __init__(self, app, name: str = "5楼平板", *, register: bool = True):
        self.client = app.test_client()
        if register:
            url = app.test_cli_runner().invoke(args=["kiosk", "enrol", name]).output.strip()
            assert enrol(self.client, url.replace(app.config["PUBLIC_BASE_URL"], "")).status_code == 200

    def sign_in(self, username: str = "volunteer"):
        page = self.client.get("/staff/login").get_data(as_text=True)
        return self.client.post("/staff/login", data={"csrf_token": field(page, "csrf_token"),
                                                      "username": username, "password": PASSWORD})

    def sign_out(self):
        page = self.client.get("/kiosk/").get_data(as_text=True)
        return self.client.post("/staff/logout", data={"csrf_token": field(page, "csrf_token")})

    def choose(self, point):
        page = self.client.get("/kiosk/").get_data(as_text=True)
        return self.client.post("/kiosk/round", data={"csrf_token": field(page, "csrf_token"), "point": point.id})

    def interview_page(self) -> str:
        reply = self.client.get("/kiosk/interview")
        assert reply.status_code == 200, reply.status_code
        return reply.get_data(as_text=True)

    def csrf(self) -> str:
        return self.client.get("/kiosk/status").get_json()["csrf"]

    def payload(self, answers: dict, page: str | None = None, **overrides) -> dict:
        """What kiosk.js queues: the page's hidden round token, a fresh key, the answers; no CSRF field."""
        page = page or self.interview_page()
        data = {"kiosk_token": field(page, "kiosk_token"), "submission_key": uuid.uuid4().hex,
                "started": field(page, "started"), **answers}
        data.update(overrides)
        return data

    def send(self, data: dict, csrf: str | None = None):
        """POST as the outbox does: JSON answer, CSRF in a header."""
        headers = {"Accept": "application/json", "X-CSRFToken": self.csrf() if csrf is None else csrf}
        return self.client.post("/kiosk/interview", data=data, headers=headers)


def ready_tablet(app, point, username: str = "volunteer", **kwargs) -> Tablet:
    """A tablet (registered unless register=False) with USERNAME signed in and POINT chosen."""
    tablet = Tablet(app, **kwargs)
    assert tablet.sign_in(username).status_code == 302
    assert tablet.choose(point).status_code == 303
    return tablet
