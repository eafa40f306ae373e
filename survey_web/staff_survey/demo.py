"""The demo hospital's staff survey: a closed 2026 round with realistic numbers (about 250 of 400 staff).

Sizes are chosen so the dashboard shows every rule at work: big clinical departments stand alone,
radiology (7) joins the smallest medical-technical group, and the small administrative units pool into
"the rest of 行政后勤".
"""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

from sqlalchemy import select

from analysis import staff as staff_themes

from .. import banks, timeutil
from ..extensions import db
from ..models import Hospital, StaffAnswer, StaffComment, StaffResponse, StaffSurvey
from . import service

ROUND = ("2026", "2026年度医务人员满意度调查")
# Units the demo adds beyond the hospital's departments: (code, name, division).
EXTRA_UNITS = [("ICU", "重症医学科", "临床科室"), ("LAB", "检验科", "医技科室"), ("RAD", "放射科", "医技科室"),
               ("HR", "人事科", "行政后勤"), ("FIN", "财务科", "行政后勤"), ("LOG", "后勤保障部", "行政后勤")]
# Responses per unit, and its mix of (doctor, nurse, medtech, admin).
SIZES = {"OPD": 45, "CARD": 38, "ORTH": 31, "ED": 27, "ICU": 22, "PHAR": 14, "LAB": 16, "RAD": 7,
         "PSC": 6, "HR": 4, "FIN": 5, "LOG": 12}
MIX = {"临床科室": (35, 60, 5, 0), "医技科室": (5, 0, 85, 10), "行政后勤": (0, 5, 0, 95)}
# Share answering 4-5 per dimension, before a unit's own offset: workload and pay are where staff hurt.
BASE = {"workload": 0.45, "pay": 0.42, "development": 0.62, "management": 0.66, "workplace": 0.68,
        "work_safety": 0.58, "overall": 0.74}
OFFSET = {"ED": -0.15, "ICU": -0.08, "CARD": 0.06, "LOG": 0.05}
LABELLED = Path(__file__).resolve().parents[2] / "analysis" / "eval" / "staff" / "staff_labelled.jsonl"


def ensure_staff_survey(hospital: Hospital, seed: int = 2026) -> StaffSurvey:
    """The demo round, created, answered and closed unless it exists already."""
    survey = db.session.scalar(select(StaffSurvey).where(StaffSurvey.hospital_id == hospital.id,
                                                         StaffSurvey.code == ROUND[0]))
    if survey is not None:
        return survey
    survey = service.open_round(hospital, *ROUND)
    for code, name, division in EXTRA_UNITS:
        service.add_unit(survey, code, name, division)
    db.session.flush()
    rng = random.Random(seed)
    bank = banks.staff_current()
    version = banks.ensure_version(bank)
    comments = [json.loads(line)["text"] for line in LABELLED.read_text(encoding="utf-8").splitlines() if line]
    rng.shuffle(comments)  # each drawn once: a real round has no two identical comments
    today = timeutil.today()
    for unit in survey.units:
        for _ in range(SIZES.get(unit.code, 0)):
            category = rng.choices(["doctor", "nurse", "medtech", "admin"], MIX[unit.division])[0]
            response = StaffResponse(unit_id=unit.id, bank_version_id=version, category=category, language="zh_CN",
                                     submitted_on=today, submission_key=uuid.UUID(int=rng.getrandbits(128)).hex)
            mood = rng.gauss(0, 0.12) + OFFSET.get(unit.code, 0)
            for question in bank.scale_questions:
                if not question.required and rng.random() < 0.04:
                    continue
                satisfied = rng.random() < BASE[question.dimension] + mood
                score = rng.choice((4, 5)) if satisfied else rng.choices((1, 2, 3), (1, 2, 5))[0]
                response.answers.append(StaffAnswer(question_code=question.code, score=score))
            if comments and rng.random() < 0.25:
                text = comments.pop()
                response.comment = StaffComment(text=text, themes=staff_themes.classify(text),
                                                model_version=staff_themes.version())
            db.session.add(response)
    service.close_round(survey)
    db.session.commit()
    return survey
