"""`/healthz`: a bare up/down answer for anyone (load balancers), and for monitoring with HEALTHZ_TOKEN or a
staff sign-in the details: database, Redis, queue depth, oldest pending comment and worker count."""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from . import jobs
from .dbsession import discard_session
from .extensions import db
from .jobs.dead_letters import dead_letter_summary
from .models import Comment, utcnow
from .models.responses import CommentStatus

bp = Blueprint("health", __name__)


def status() -> dict:
    """A snapshot of the pipeline's health; never raises."""
    report: dict = {"database": "ok", "redis": "not configured", "queues": {}, "workers": None,
                    "pending_comments": None, "oldest_pending_seconds": None, "dead_letters": None}
    try:
        db.session.execute(text("SELECT 1"))
        pending, oldest = db.session.execute(
            select(func.count(Comment.id), func.min(Comment.created_at)).where(Comment.status == CommentStatus.PENDING)
        ).one()
        report["pending_comments"] = pending
        if oldest is not None:
            if oldest.tzinfo is None:  # SQLite hands back naive UTC
                oldest = oldest.replace(tzinfo=utcnow().tzinfo)
            report["oldest_pending_seconds"] = round((utcnow() - oldest).total_seconds())
        report["dead_letters"] = dead_letter_summary()  # {"count", "ids"}: `flask jobs retry-failed`
    except SQLAlchemyError:
        discard_session()  # a plain rollback raises again on a connection the database dropped
        report["database"] = "down"
    connection = current_app.extensions["jobs"]["redis"]
    if connection is not None:
        try:
            connection.ping()
            report["redis"] = "ok"
            report["queues"] = {name: jobs.queue(name).count for name in jobs.QUEUES}
            report["workers"] = Worker.count(connection=connection)
        except (RedisError, OSError):
            report["redis"] = "down"
    return report


def may_see_details() -> bool:
    """True for `Authorization: Bearer <HEALTHZ_TOKEN>` or a signed-in staff member.

    The details tell an outsider how busy the service is and whether its workers run; the token is sent
    in a header, never in the URL, so it stays out of access logs."""
    token = current_app.config.get("HEALTHZ_TOKEN")
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode()):
        return True
    return current_user.is_authenticated


@bp.get("/healthz")
def healthz():
    report = status()
    healthy = report["database"] == "ok" and report["redis"] != "down"
    body = report if may_see_details() else {"status": "ok" if healthy else "unavailable"}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503
