"""Dead letters: only the job's own failures give a comment up; operators see them and retry them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

import analysis
from survey_web.extensions import db as _db
from survey_web.jobs.classify import classify_comment
from survey_web.jobs.dead_letters import MAX_ATTEMPTS
from survey_web.jobs.sweeper import sweep_pending
from survey_web.models import AuditEvent, Comment, utcnow

from ..factories import GOOD_ANSWERS, Respondent
from .office.world import csrf_of, login, make_world
from .test_jobs import DEAD_REDIS


def broken_classifier(exc: Exception):
    def classify(_text):
        raise exc

    return classify


@pytest.fixture
def world(app, db):
    return make_world()


@pytest.fixture
def down(make_app):
    """The app with Redis unreachable: no job can be enqueued."""
    return make_app(REDIS_URL=DEAD_REDIS)


@pytest.fixture
def stranded(down, world) -> int:
    """A comment submitted while Redis was down: stored, pending, its job never enqueued."""
    assert Respondent(down, world.card_point.token).submit(GOOD_ANSWERS).status_code == 302
    return _db.session.scalar(select(Comment.id))


def test_sweeps_during_an_outage_never_give_a_comment_up(down, stranded):
    """Swept again and again while no job can run (Redis down), the comment stays pending, not failed."""
    for _ in range(MAX_ATTEMPTS + 2):
        _db.session.execute(update(Comment).values(created_at=utcnow() - timedelta(minutes=10), enqueued_at=None))
        _db.session.commit()
        with down.app_context():
            sweep_pending()
    _db.session.expire_all()
    comment = _db.session.get(Comment, stranded)
    assert (comment.status, comment.attempts) == ("pending", 0)


def test_a_comment_whose_job_keeps_failing_becomes_a_dead_letter(stranded, monkeypatch):
    """Outage errors are not counted; the job's own failures are, and the last allowed one gives it up."""
    monkeypatch.setattr(analysis, "classify", broken_classifier(OperationalError("SELECT 1", {}, Exception())))
    with pytest.raises(OperationalError):
        classify_comment(stranded)
    monkeypatch.setattr(analysis, "classify", broken_classifier(ValueError("model file unreadable")))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(ValueError):
            classify_comment(stranded)
        _db.session.expire_all()
        comment = _db.session.get(Comment, stranded)
        assert comment.attempts == attempt
        assert comment.status == ("failed" if attempt == MAX_ATTEMPTS else "pending")


def _give_up(comment_id: int) -> None:
    _db.session.execute(update(Comment).where(Comment.id == comment_id).values(status="failed",
                                                                                 attempts=MAX_ATTEMPTS))
    _db.session.commit()


def test_dead_letters_are_on_healthz_and_retried_from_the_admin_page(app, stranded):
    """/healthz details (for staff) count and list dead letters; the admin page lists and retries them."""
    _give_up(stranded)
    admin = app.test_client()
    login(admin, "admin")
    assert admin.get("/healthz").get_json()["dead_letters"] == {"count": 1, "ids": [stranded]}
    assert "未能自动分类的意见" in admin.get("/admin/").get_data(as_text=True)
    page = admin.get("/admin/dead-letters").get_data(as_text=True)
    assert f'<td class="num">{stranded}</td>' in page and "心内科护士站" in page and "停车" not in page
    csrf = csrf_of(admin, "/admin/dead-letters")
    assert admin.post("/admin/dead-letters/retry", data={"csrf_token": csrf}).status_code == 302
    app.extensions["jobs"]["runner"].wait()
    _db.session.expire_all()
    assert _db.session.get(Comment, stranded).status == "done"
    assert _db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "retry_failed")) == {"count": 1}
    assert "/admin/dead-letters/retry" not in admin.get("/admin/dead-letters").get_data(as_text=True), "none left"


def test_retry_failed_command_classifies_dead_letters(app, stranded):
    """`flask jobs retry-failed` puts dead letters back to pending and classifies them."""
    _give_up(stranded)
    result = app.test_cli_runner().invoke(args=["jobs", "retry-failed"])
    assert result.exit_code == 0 and "re-enqueued 1 failed comments" in result.output
    _db.session.expire_all()
    comment = _db.session.get(Comment, stranded)
    assert (comment.status, comment.attempts) == ("done", 0)


def test_only_admins_see_or_retry_dead_letters(app, stranded):
    """The quality office gets 403 on the dead-letter page and its retry; nothing is retried."""
    _give_up(stranded)
    quality = app.test_client()
    login(quality, "quality")
    assert quality.get("/admin/dead-letters").status_code == 403
    csrf = csrf_of(quality, "/office/")
    assert quality.post("/admin/dead-letters/retry", data={"csrf_token": csrf}).status_code == 403
    _db.session.expire_all()
    assert _db.session.get(Comment, stranded).status == "failed"
