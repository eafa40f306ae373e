"""A volunteer's round: the places they may interview at, and the signed token of an interview page.

The token is what lets an interview finished offline be sent hours later, after a new sign-in: it
vouches that this server issued the page to this volunteer, on this registered tablet, for this point
of this hospital and bank version. It counts only when that same volunteer sends it, while they may
still interview at that hospital, within KIOSK_ROUND_MAX_AGE (a day by default). The submission key is
not in it; kiosk.js draws a fresh one for every interview, because one cached page serves many
interviews while the tablet is offline.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from itertools import groupby

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.scope import hospital_ids
from ..extensions import db
from ..models import Department, SurveyPoint, User

KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class RoundClaims:
    point_id: int
    version_id: int
    bank_code: str
    place: str
    volunteer_id: int
    kiosk_id: int
    language: str
    issued: float
    hospital_id: int


class TokenRefused(Exception):
    """The round token is missing, altered ('tampered'), too old ('expired'), or not the sender's to send
    ('other_volunteer', 'other_hospital')."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="kiosk-round")


def sign(claims: RoundClaims) -> str:
    return _serializer().dumps([claims.point_id, claims.version_id, claims.bank_code, claims.place,
                                claims.volunteer_id, claims.kiosk_id, claims.language, round(claims.issued, 2),
                                claims.hospital_id])


def verify(raw: str | None) -> RoundClaims:
    """The claims of a round token; raises TokenRefused."""
    if not raw or len(raw) > 2000:
        raise TokenRefused("tampered")
    try:
        values = _serializer().loads(raw, max_age=current_app.config["KIOSK_ROUND_MAX_AGE"])
        point_id, version_id, bank_code, place, volunteer_id, kiosk_id, language, issued, hospital_id = values
        # A page re-rendered after a refusal is signed again; its age still counts from the first issue.
        if time.time() - float(issued) > current_app.config["KIOSK_ROUND_MAX_AGE"]:
            raise TokenRefused("expired")
        return RoundClaims(int(point_id), int(version_id), str(bank_code), str(place), int(volunteer_id),
                           int(kiosk_id), str(language), float(issued), int(hospital_id))
    except SignatureExpired:
        raise TokenRefused("expired") from None
    except (BadData, ValueError, TypeError):
        raise TokenRefused("tampered") from None


def new_claims(point: SurveyPoint, version_id: int, place: str, user: User, kiosk_id: int,
               language: str) -> RoundClaims:
    return RoundClaims(point.id, version_id, point.bank_code, place, user.id, kiosk_id, language, time.time(),
                       point.department.hospital_id)


def check_sender(claims: RoundClaims, user: User) -> None:
    """Raise TokenRefused unless USER is the volunteer the page was issued to and may still interview at
    its point's hospital (an account moved to another hospital cannot send its old rounds)."""
    if claims.volunteer_id != user.id:
        raise TokenRefused("other_volunteer")
    hospital = db.session.scalar(select(Department.hospital_id).join(SurveyPoint)
                                 .where(SurveyPoint.id == claims.point_id))
    allowed = hospital_ids(user)
    if hospital is None or hospital != claims.hospital_id or (allowed is not None and hospital not in allowed):
        raise TokenRefused("other_hospital")


def _points_query(user: User):
    query = (select(SurveyPoint).join(Department)
             .options(joinedload(SurveyPoint.department).joinedload(Department.hospital))
             .where(SurveyPoint.active.is_(True)))
    hospitals = hospital_ids(user)
    if hospitals is not None:
        query = query.where(Department.hospital_id.in_(hospitals or {-1}))
    return query


def wards(user: User) -> list[tuple[Department, list[SurveyPoint]]]:
    """The departments USER may interview in, each with its points (bed areas, stations), in order."""
    points = db.session.scalars(_points_query(user).order_by(Department.hospital_id, Department.code,
                                                             SurveyPoint.code)).all()
    return [(department, list(group)) for department, group in groupby(points, key=lambda p: p.department)]


def point_for(user: User, point_id: int | None) -> SurveyPoint | None:
    """The active point POINT_ID if USER may interview there."""
    if not point_id:
        return None
    return db.session.scalar(_points_query(user).where(SurveyPoint.id == point_id))
