"""Office tests' helpers on the shared world (tests/world.py): a response factory, October's data, lists."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from survey_web import banks
from survey_web.crypto import encrypt_contact
from survey_web.extensions import db
from survey_web.models import (
    Answer,
    Comment,
    CommentTheme,
    Department,
    Hospital,
    Response,
    SurveyPoint,
    UrgentAlert,
)

from ...conftest import hidden_fields
from ...world import PASSWORD, World, login, make_world  # noqa: F401 - the shared world, re-exported

_minutes = itertools.count()


def at(month: str, day: int = 15) -> datetime:
    """Noon in Beijing on DAY of MONTH (as UTC), plus a minute per call so rows keep their order."""
    year, mon = (int(p) for p in month.split("-"))
    return datetime(year, mon, day, 4, 0, tzinfo=UTC) + timedelta(minutes=next(_minutes) % 600)


def add_response(point: SurveyPoint, when: datetime, *, scores: dict[str, int] | None = None,
                 comment: str | None = None, themes: dict[str, str] | None = None, urgent: str | None = None,
                 mode: str = "self", contact: str | None = None, confidence: float = 0.8,
                 commit: bool = True) -> Response:
    """A stored response with answers and, if COMMENT, a classified comment with model THEMES."""
    version = banks.ensure_version(banks.current(point.bank_code))
    response = Response(point_id=point.id, bank_version_id=version, role="patient", language="zh_CN", mode=mode,
                        started_at=when - timedelta(minutes=3), submitted_at=when, submission_key=uuid.uuid4().hex,
                        contact_consent=bool(contact),
                        contact_encrypted=encrypt_contact(contact) if contact else None)
    response.answers = [Answer(question_code=code, score=score) for code, score in (scores or {}).items()]
    if comment is not None:
        response.comment = Comment(text=comment, created_at=when, status="done", classified_at=when,
                                   model_version="test-1", urgent=bool(urgent), urgent_reason=urgent)
        response.comment.themes = [CommentTheme(theme=t, polarity=p, confidence=confidence, source="model")
                                   for t, p in (themes or {}).items()]
    db.session.add(response)
    db.session.flush()
    if urgent:
        db.session.add(UrgentAlert(comment_id=response.comment.id, reason=urgent, created_at=when))
    if commit:
        db.session.commit()
    return response


def seed_october(w, *, parking_card: int = 12, parking_orth: int = 3, food_card: int = 5) -> None:
    """October: 40 responses in each of CARD and ORTH; parking complaints mostly in CARD; CARD nurses
    scored low against the hospital. September: a few parking complaints."""
    for i in range(40):
        comment, themes = None, {}
        if i < parking_card:
            comment, themes = f"停车太难了，转了好几圈 电话13812345{i:03d}", {"parking": "neg"}
        elif i < parking_card + food_card:
            comment, themes = "饭菜太凉了", {"food": "neg"}
        add_response(w.card_point, at("2025-10"), scores={"nurse_communication": 2 if i < 28 else 5, "overall": 4},
                     comment=comment, themes=themes, commit=False)
    for i in range(40):
        comment, themes = (f"停车位不够{i}", {"parking": "neg"}) if i < parking_orth else (None, {})
        add_response(w.orth_point, at("2025-10"), scores={"nurse_communication": 5, "overall": 4},
                     comment=comment, themes=themes, commit=False)
    add_response(w.card_point, at("2025-10"), comment="停车场有人打人", themes={"parking": "neg"}, urgent="violence")
    for i in range(60):
        add_response(w.card_point, at("2025-09"), comment="停车难" if i < 2 else None,
                     themes={"parking": "neg"} if i < 2 else {}, commit=False)
    db.session.commit()


def csrf_of(client, url: str) -> str:
    """The CSRF token from a page the client may open."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return hidden_fields(page.get_data(as_text=True))["csrf_token"]


def make_list(hospital: Hospital, department: Department | None, month: str, *items: dict):
    """A stored problem list with ITEMS (dicts of ProblemItem fields; sensible defaults filled in)."""
    from survey_web.models.problems import ProblemItem, ProblemList

    problem_list = ProblemList(hospital_id=hospital.id, department_id=department.id if department else None,
                               scope_key=department.id if department else 0, month=month, responses=100)
    for number, fields in enumerate(items, start=1):
        values = {"key": f"theme:t{number}", "source": "theme", "theme": "parking", "origin_month": month,
                  "problem": f"问题{number}", "status": "draft", "count": 5, "responses": 100, "rank": number,
                  "evidence": {"rate": 5.0, "quotes": []}, **fields}
        problem_list.items.append(ProblemItem(**values))
    db.session.add(problem_list)
    db.session.commit()
    return problem_list
