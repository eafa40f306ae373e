"""Storing a response: one transaction for the response, its answers and its comment."""

from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import (
    ARRAY,
    Connection,
    SmallInteger,
    String,
    Text,
    bindparam,
    func,
    insert,
    null,
    select,
    true,
)
from sqlalchemy.exc import IntegrityError

from ..crypto import encrypt_contact
from ..extensions import db
from ..models import Answer, Comment, Response, utcnow
from .forms import SurveyForm, normalise_phone

FORM_MAX_AGE = 24 * 3600
# Core tables, not the ORM unit of work: this is the hottest write path.
RESPONSES, ANSWERS, COMMENTS = Response.__table__, Answer.__table__, Comment.__table__
RESPONSE_VALUES = ("point_id", "bank_version_id", "role", "language", "mode", "started_at", "submitted_at",
                   "submission_key", "device_hash", "contact_consent", "contact_encrypted", "volunteer_id",
                   "kiosk_id", "receipt_hash", "campaign_id", "channel")


@dataclass(frozen=True)
class FormClaims:
    """What the signed hidden field vouches for: which point and bank version, since when, which key.

    `confirmed` is set once the respondent has been told the submission was quick: the next, deliberate
    tap is accepted (restarting the timer refused every re-tap for another five seconds).
    """

    key: str
    started: float
    point_id: int
    version_id: int
    bank_code: str
    place: str
    confirmed: bool = False

    def confirmable(self) -> FormClaims:
        return replace(self, confirmed=True)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="survey-form")


def place_name(point) -> str:
    """Where a survey point is, as its form and thank-you page name it: hospital · department · point."""
    return f"{point.department.hospital.name} · {point.department.name} · {point.name}"


def new_claims(point_id: int, version_id: int, bank_code: str, place: str) -> FormClaims:
    return FormClaims(uuid.uuid4().hex, time.time(), point_id, version_id, bank_code, place)


def sign(claims: FormClaims) -> str:
    return _serializer().dumps([claims.key, round(claims.started, 2), claims.point_id, claims.version_id,
                                claims.bank_code, claims.place, int(claims.confirmed)])


def verify(raw: str | None) -> FormClaims | None:
    """The claims of a form token, or None if it is missing, altered or older than a day."""
    if not raw or len(raw) > 2000:
        return None
    try:
        key, started, point_id, version_id, bank_code, place, *confirmed = _serializer().loads(
            raw, max_age=FORM_MAX_AGE)
        return FormClaims(str(key), float(started), int(point_id), int(version_id), str(bank_code), str(place),
                          bool(confirmed and confirmed[0]))
    except (BadData, ValueError, TypeError):
        return None


def submit_connection() -> Connection:
    """The session's connection for handling one submission.

    On PostgreSQL every write of a submission is one statement (see `store_response`), so a fresh session
    runs it in autocommit: no BEGIN and COMMIT round trips. The setting ends when the connection goes back
    to the pool. A session already in a transaction, and other databases, keep the usual transaction.
    """
    session = db.session()
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session.connection()


def store_response(form: SurveyForm, claims: FormClaims, *, language: str, device_hash: str | None,
                   mode: str = "self", volunteer_id: int | None = None, kiosk_id: int | None = None,
                   submitted_at: datetime | None = None, receipt_hash: str | None = None,
                   source: tuple[int, str] | None = None) -> tuple[int, int | None]:
    """Store the form's answers in one transaction; returns (response id, comment id or None).

    A resent form (same submission key) stores nothing new and returns the first response's ids.
    Kiosk interviews pass the volunteer, the tablet and, for one sent later from the tablet's outbox,
    the time it was finished. RECEIPT_HASH is the hash of the receipt code shown on the thanks page.
    SOURCE is (campaign id, channel) for an answer to a follow-up invitation: never the invitation itself.
    """
    phone = normalise_phone(form.contact.data) if form.contact_consent.data else ""
    values = dict(
        point_id=claims.point_id,
        bank_version_id=claims.version_id,
        role=form.respondent_role(),
        language=language,
        mode=mode,
        started_at=datetime.fromtimestamp(claims.started, UTC),
        submission_key=claims.key,
        device_hash=device_hash,
        contact_consent=bool(phone),
        contact_encrypted=encrypt_contact(phone) if phone else None,
        volunteer_id=volunteer_id,
        kiosk_id=kiosk_id,
        receipt_hash=receipt_hash,
        campaign_id=source[0] if source else None,
        channel=source[1] if source else None,
    )
    values["submitted_at"] = submitted_at or utcnow()
    connection = db.session.connection()
    insert_all = _insert_in_one_statement if connection.dialect.name == "postgresql" else _insert_one_by_one
    try:
        ids = insert_all(connection, values, form.answers(), form.comment_text())
    except IntegrityError:
        db.session.rollback()
        existing = existing_ids(claims.key)
        if existing is None:
            raise
        return existing
    db.session.commit()
    return ids


def _insert_one_by_one(connection, values: dict, answers: list, text: str) -> tuple[int, int | None]:
    """The response, then its answers, then its comment: three statements in the session's transaction."""
    response_id = connection.execute(insert(RESPONSES).values(**values).returning(RESPONSES.c.id)).scalar_one()
    if answers:
        connection.execute(insert(ANSWERS), [
            {"response_id": response_id, "question_code": code, "score": score, "option": option}
            for code, score, option in answers])
    comment_id = None
    if text:
        comment_id = connection.execute(
            insert(COMMENTS).values(response_id=response_id, text=text).returning(COMMENTS.c.id)).scalar_one()
    return response_id, comment_id


def _insert_in_one_statement(connection, values: dict, answers: list, text: str) -> tuple[int, int | None]:
    """PostgreSQL: the response, its answers and its comment in one statement, so one round trip."""
    codes, scores, options = (list(column) for column in zip(*answers, strict=True)) if answers else ([], [], [])
    row = connection.execute(_one_statement(bool(text)), {
        **values, "codes": codes, "scores": scores, "options": options, "text": text, "created_at": utcnow(),
    }).one()
    return row[0], row[1]


@functools.cache
def _one_statement(with_comment: bool):
    """Built once: data-modifying CTEs share the new response id, and the answers travel as three parallel
    arrays, so the statement is the same whatever their number (SQLAlchemy and psycopg cache it).

    Python-side column defaults do not apply inside a CTE, so every value is a parameter.
    """
    response = insert(RESPONSES).values(
        {name: bindparam(name, type_=RESPONSES.c[name].type) for name in RESPONSE_VALUES}
    ).returning(RESPONSES.c.id).cte("response")
    rows = func.unnest(bindparam("codes", type_=ARRAY(String)), bindparam("scores", type_=ARRAY(SmallInteger)),
                       bindparam("options", type_=ARRAY(String))
                       ).table_valued("code", "score", "option").render_derived()
    answer = insert(ANSWERS).from_select(
        ["response_id", "question_code", "score", "option"],
        select(response.c.id, rows.c.code, rows.c.score, rows.c.option).select_from(response.join(rows, true())))
    if not with_comment:
        return select(response.c.id, null()).add_cte(answer.cte("answer"))
    comment = insert(COMMENTS).from_select(
        ["response_id", "text", "created_at"],
        select(response.c.id, bindparam("text", type_=Text),
               bindparam("created_at", type_=COMMENTS.c.created_at.type))).returning(COMMENTS.c.id).cte("comment")
    return select(response.c.id, comment.c.id).select_from(response.join(comment, true())).add_cte(
        answer.cte("answer"))


def existing_ids(submission_key: str) -> tuple[int, int | None] | None:
    row = db.session.execute(
        select(Response.id, Comment.id).outerjoin(Comment, Comment.response_id == Response.id)
        .where(Response.submission_key == submission_key)
    ).first()
    return (row[0], row[1]) if row else None
