"""Storing a response: one transaction for the response, its answers and its comment."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..crypto import encrypt_contact
from ..extensions import db
from ..models import Answer, Comment, Response
from .forms import SurveyForm, normalise_phone

FORM_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class FormClaims:
    """What the signed hidden field vouches for: which point and bank version, since when, which key."""

    key: str
    started: float
    point_id: int
    version_id: int
    bank_code: str
    place: str

    def restarted(self) -> FormClaims:
        return FormClaims(self.key, time.time(), self.point_id, self.version_id, self.bank_code, self.place)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="survey-form")


def new_claims(point_id: int, version_id: int, bank_code: str, place: str) -> FormClaims:
    return FormClaims(uuid.uuid4().hex, time.time(), point_id, version_id, bank_code, place)


def sign(claims: FormClaims) -> str:
    return _serializer().dumps([claims.key, round(claims.started, 2), claims.point_id, claims.version_id,
                                claims.bank_code, claims.place])


def verify(raw: str | None) -> FormClaims | None:
    """The claims of a form token, or None if it is missing, altered or older than a day."""
    if not raw or len(raw) > 2000:
        return None
    try:
        key, started, point_id, version_id, bank_code, place = _serializer().loads(raw, max_age=FORM_MAX_AGE)
        return FormClaims(str(key), float(started), int(point_id), int(version_id), str(bank_code), str(place))
    except (BadData, ValueError, TypeError):
        return None


def store_response(form: SurveyForm, claims: FormClaims, *, language: str, device_hash: str | None,
                   mode: str = "self", volunteer_id: int | None = None, kiosk_id: int | None = None,
                   submitted_at: datetime | None = None) -> tuple[int, int | None]:
    """Store the form's answers in one transaction; returns (response id, comment id or None).

    A resent form (same submission key) stores nothing new and returns the first response's ids.
    Kiosk interviews pass the volunteer, the tablet and, for one sent later from the tablet's outbox,
    the time it was finished.
    """
    phone = normalise_phone(form.contact.data) if form.contact_consent.data else ""
    values = dict(
        point_id=claims.point_id,
        bank_version_id=claims.version_id,
        role=form.role.data,
        language=language,
        mode=mode,
        started_at=datetime.fromtimestamp(claims.started, UTC),
        submission_key=claims.key,
        device_hash=device_hash,
        contact_consent=bool(phone),
        contact_encrypted=encrypt_contact(phone) if phone else None,
        volunteer_id=volunteer_id,
        kiosk_id=kiosk_id,
    )
    if submitted_at is not None:
        values["submitted_at"] = submitted_at
    # Core statements, not the ORM unit of work: this is the hottest write path (three round trips).
    try:
        response_id = db.session.execute(insert(Response).values(**values).returning(Response.id)).scalar_one()
    except IntegrityError:
        db.session.rollback()
        existing = existing_ids(claims.key)
        if existing is None:
            raise
        return existing
    answers = [{"response_id": response_id, "question_code": code, "score": score, "option": option}
               for code, score, option in form.answers()]
    if answers:
        db.session.execute(insert(Answer), answers)
    text = form.comment_text()
    comment_id = None
    if text:
        comment_id = db.session.execute(
            insert(Comment).values(response_id=response_id, text=text).returning(Comment.id)).scalar_one()
    db.session.commit()
    return response_id, comment_id


def existing_ids(submission_key: str) -> tuple[int, int | None] | None:
    row = db.session.execute(
        select(Response.id, Comment.id).outerjoin(Comment, Comment.response_id == Response.id)
        .where(Response.submission_key == submission_key)
    ).first()
    return (row[0], row[1]) if row else None
