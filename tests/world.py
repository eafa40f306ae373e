"""The small world the staff-page tests share: two hospitals, three inpatient wards, one account per role.

`office/world.py` and `dashboard/world.py` add their own response factories on top of it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from survey_web.accounts.passwords import hash_password
from survey_web.extensions import db
from survey_web.models import Department, Hospital, SurveyPoint, User

from .conftest import hidden_fields

PASSWORD = "correct-horse-42"


@dataclass
class World:
    h1: Hospital
    h2: Hospital
    card: Department
    orth: Department
    other: Department
    card_point: SurveyPoint
    orth_point: SurveyPoint
    other_point: SurveyPoint
    users: dict[str, User] = field(default_factory=dict)

    @property
    def gen(self) -> Department:
        """H2's ward (普外科 GEN), as the dashboard tests call it."""
        return self.other

    @property
    def gen_point(self) -> SurveyPoint:
        return self.other_point


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose; one hash serves every test account


def make_world(names: tuple[str, str] = ("测试市人民医院", "另一家医院"), *, commission_sees_both: bool = False) -> World:
    """Hospital H1 (心内科 CARD, 骨科 ORTH) and H2 (普外科 GEN) named NAMES, a nurses' station point in each
    ward, and one account per role (quality2 is H2's; the commission oversees H1, or both)."""
    h1, h2 = Hospital(code="H1", name=names[0]), Hospital(code="H2", name=names[1])
    card = Department(hospital=h1, code="CARD", name="心内科", kind="inpatient")
    orth = Department(hospital=h1, code="ORTH", name="骨科", kind="inpatient")
    other = Department(hospital=h2, code="GEN", name="普外科", kind="inpatient")
    points = [SurveyPoint(department=d, code=f"{d.code}-NS", name=f"{d.name}护士站", bank_code="inpatient")
              for d in (card, orth, other)]
    db.session.add_all(points)
    world = World(h1, h2, card, orth, other, *points)
    overseen = [h1, h2] if commission_sees_both else [h1]
    for username, role, hospital, department in [
        ("admin", "admin", None, None), ("quality", "quality", h1, None), ("card", "dept_head", h1, card),
        ("orth", "dept_head", h1, orth), ("volunteer", "volunteer", h1, None), ("commission", "commission", h1, None),
        ("quality2", "quality", h2, None),
    ]:
        user = User(username=username, display_name=f"{username}主任", role=role, password_hash=_password_hash(),
                    hospital=hospital, department=department, hospitals=overseen if role == "commission" else [])
        db.session.add(user)
        world.users[username] = user
    db.session.commit()
    return world


def login(client, username: str, password: str = PASSWORD):
    """Sign CLIENT in as USERNAME (the login form with its CSRF token); asserts the redirect."""
    token = hidden_fields(client.get("/staff/login").get_data(as_text=True))["csrf_token"]
    reply = client.post("/staff/login", data={"csrf_token": token, "username": username, "password": password})
    assert reply.status_code == 302, reply.get_data(as_text=True)[:500]
    return reply
