"""A small world for dashboard tests: two hospitals, every role, and a response factory with exact answers."""

from __future__ import annotations

import functools
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from survey_web import banks
from survey_web.accounts.passwords import hash_password
from survey_web.extensions import db
from survey_web.models import Answer, Comment, CommentTheme, Department, Hospital, Response, SurveyPoint, User

from ...conftest import hidden_fields

PASSWORD = "correct-horse-42"
_ticks = itertools.count()  # keeps rows in order, and within a minute of the time asked for


@dataclass
class World:
    h1: Hospital
    h2: Hospital
    card: Department
    orth: Department
    gen: Department
    card_point: SurveyPoint
    orth_point: SurveyPoint
    gen_point: SurveyPoint
    users: dict[str, User] = field(default_factory=dict)


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: one hash serves every test account


def make_world() -> World:
    """H1 (心内科 CARD, 骨科 ORTH) and H2 (普外科 GEN), inpatient points, one account per role."""
    h1, h2 = Hospital(code="H1", name="第一医院"), Hospital(code="H2", name="第二医院")
    card = Department(hospital=h1, code="CARD", name="心内科", kind="inpatient")
    orth = Department(hospital=h1, code="ORTH", name="骨科", kind="inpatient")
    gen = Department(hospital=h2, code="GEN", name="普外科", kind="inpatient")
    points = [SurveyPoint(department=d, code=f"{d.code}-NS", name=f"{d.name}护士站", bank_code="inpatient")
              for d in (card, orth, gen)]
    db.session.add_all(points)
    world = World(h1, h2, card, orth, gen, *points)
    for username, role, hospital, department, oversees in [
        ("admin", "admin", None, None, []), ("quality", "quality", h1, None, []),
        ("card", "dept_head", h1, card, []), ("volunteer", "volunteer", h1, None, []),
        ("commission", "commission", h1, None, [h1, h2]), ("quality2", "quality", h2, None, []),
    ]:
        user = User(username=username, display_name=f"{username}主任", role=role, password_hash=_password_hash(),
                    hospital=hospital, department=department, hospitals=oversees)
        db.session.add(user)
        world.users[username] = user
    db.session.commit()
    return world


def beijing(year: int, month: int, day: int = 15, hour: int = 12, minute: int = 0) -> datetime:
    """A Beijing wall-clock time as UTC (what the database stores)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def respond(point: SurveyPoint, when: datetime, answers: dict[str, int | str], *, mode: str = "self",
            role: str = "patient", comment: str | None = None, themes: dict[str, str] | None = None,
            staff_themes: dict[str, str] | None = None, urgent: bool = False) -> Response:
    """Store one response with exactly ANSWERS (1-5, 'na', or a recommend option) and its comment."""
    version = banks.ensure_version(banks.current(point.bank_code))
    submitted = when + timedelta(milliseconds=next(_ticks) % 50_000)
    response = Response(point_id=point.id, bank_version_id=version, role=role, language="zh_CN", mode=mode,
                        started_at=when - timedelta(minutes=3), submitted_at=submitted, submission_key=uuid.uuid4().hex)
    response.answers = [Answer(question_code=code, score=value if isinstance(value, int) else None,
                               option=None if isinstance(value, int) else value) for code, value in answers.items()]
    if comment:
        rows = [CommentTheme(theme=t, polarity=p, source="model") for t, p in (themes or {}).items()]
        rows += [CommentTheme(theme=t, polarity=p, source="staff") for t, p in (staff_themes or {}).items()]
        response.comment = Comment(text=comment, status="done", created_at=when, urgent=urgent,
                                   urgent_reason="safety" if urgent else None, themes=rows)
    db.session.add(response)
    db.session.commit()
    return response


def many(point: SurveyPoint, when: datetime, count: int, answers: dict[str, int | str], **kwargs) -> None:
    for _ in range(count):
        respond(point, when, answers, **kwargs)


def login(client, username: str) -> None:
    token = hidden_fields(client.get("/staff/login").get_data(as_text=True))["csrf_token"]
    reply = client.post("/staff/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    assert reply.status_code == 302, reply.status_code
