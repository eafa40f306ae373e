"""Dashboard tests' helpers on the shared world (tests/world.py): a response factory with exact answers."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from survey_web import banks
from survey_web.extensions import db
from survey_web.models import Answer, Comment, CommentTheme, Response, SurveyPoint

from ...world import PASSWORD, World, login  # noqa: F401 - the shared world, re-exported
from ...world import make_world as shared_world

_ticks = itertools.count()  # keeps rows in order, and within a minute of the time asked for


def make_world() -> World:
    """The shared world with the dashboard's hospital names; the commission oversees both hospitals."""
    return shared_world(("第一医院", "第二医院"), commission_sees_both=True)


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
