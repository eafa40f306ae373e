"""Rounds, units and anonymous storage of the staff survey."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from analysis import staff as staff_themes

from .. import timeutil
from ..extensions import db
from ..models import (
    Department,
    Hospital,
    RoundStatus,
    StaffAnswer,
    StaffCategory,
    StaffComment,
    StaffResponse,
    StaffSurvey,
    StaffUnit,
    utcnow,
)

log = logging.getLogger(__name__)
# A department's division (片区/系统) by its kind, when a round is opened from the hospital's departments.
DIVISIONS = {"outpatient": "临床科室", "inpatient": "临床科室", "emergency": "临床科室",
             "medtech": "医技科室", "pharmacy": "医技科室", "support": "行政后勤"}


class StaffSurveyError(ValueError):
    """An operator asked for something the rounds do not allow; the message says what."""


@dataclass(frozen=True)
class Submission:
    """What one staff member sent: no identity, by design."""

    unit_id: int
    version_id: int
    key: str
    category: str
    language: str
    answers: list[tuple[str, int | None, str | None]]
    comment: str


def open_round(hospital: Hospital, code: str, title: str) -> StaffSurvey:
    """A new round with one unit (and link) per department of HOSPITAL; add more with `add_unit`."""
    if db.session.scalar(select(StaffSurvey).where(StaffSurvey.hospital_id == hospital.id,
                                                   StaffSurvey.code == code)):
        raise StaffSurveyError(f"{hospital.code} already has a staff-survey round {code!r}")
    survey = StaffSurvey(hospital_id=hospital.id, code=code, title=title, status=RoundStatus.OPEN.value)
    db.session.add(survey)
    for department in db.session.scalars(select(Department).where(Department.hospital_id == hospital.id)
                                         .order_by(Department.code)):
        add_unit(survey, department.code, department.name, DIVISIONS.get(department.kind, "其他"), department.id)
    db.session.flush()
    return survey


def add_unit(survey: StaffSurvey, code: str, name: str, division: str, department_id: int | None = None) -> StaffUnit:
    if any(unit.code == code for unit in survey.units):
        raise StaffSurveyError(f"round {survey.code!r} already has a unit {code!r}")
    unit = StaffUnit(survey=survey, code=code, name=name, division=division, department_id=department_id)
    db.session.add(unit)
    return unit


def find_round(hospital_code: str, code: str) -> StaffSurvey:
    survey = db.session.scalar(select(StaffSurvey).join(Hospital).where(Hospital.code == hospital_code,
                                                                       StaffSurvey.code == code))
    if survey is None:
        raise StaffSurveyError(f"no staff-survey round {code!r} in hospital {hospital_code!r}")
    return survey


def close_round(survey: StaffSurvey) -> None:
    """Stop taking answers; results become visible (groups of 10 or more only)."""
    survey.status = RoundStatus.CLOSED.value
    survey.closed_at = utcnow()


def open_unit(token: str) -> StaffUnit | None:
    """The active unit behind a link token whose round still takes answers."""
    return db.session.scalar(
        select(StaffUnit).options(joinedload(StaffUnit.survey).joinedload(StaffSurvey.hospital))
        .join(StaffSurvey).where(StaffUnit.token == token, StaffUnit.active.is_(True),
                                 StaffSurvey.status == RoundStatus.OPEN.value))


def stored(key: str) -> bool:
    return db.session.scalar(select(StaffResponse.id).where(StaffResponse.submission_key == key)) is not None


def store(sub: Submission) -> bool:
    """Store SUB in one transaction; False when its key was stored before (a resent form)."""
    if sub.category not in set(StaffCategory):
        raise StaffSurveyError(f"unknown staff category {sub.category!r}")
    response = StaffResponse(unit_id=sub.unit_id, bank_version_id=sub.version_id, category=sub.category,
                             language=sub.language, submitted_on=timeutil.today(), submission_key=sub.key)
    response.answers = [StaffAnswer(question_code=code, score=score, option=option)
                        for code, score, option in sub.answers if code != "category"]
    text = sub.comment.strip()
    if text:
        response.comment = StaffComment(text=text, themes=staff_themes.classify(text),
                                        model_version=staff_themes.version())
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if stored(sub.key):
            return False
        raise
    return True


def reclassify(survey: StaffSurvey) -> int:
    """Classify the round's comments again with today's taxonomy; returns how many changed."""
    changed = 0
    for comment in db.session.scalars(select(StaffComment).join(StaffResponse).join(StaffUnit)
                                      .where(StaffUnit.survey_id == survey.id)):
        themes = staff_themes.classify(comment.text)
        if themes != comment.themes or comment.model_version != staff_themes.version():
            comment.themes, comment.model_version, comment.classified_at = themes, staff_themes.version(), utcnow()
            changed += 1
    return changed


def remove_old_texts(before: date) -> int:
    """Empty the text of staff comments answered before BEFORE (the retention purge; the same
    RETENTION_COMMENT_DAYS as patients' comments). Their themes and every score stay."""
    old = select(StaffResponse.id).where(StaffResponse.submitted_on < before)
    result = db.session.execute(update(StaffComment).where(StaffComment.response_id.in_(old), StaffComment.text != "")
                                .values(text="").execution_options(synchronize_session=False))
    return result.rowcount or 0
