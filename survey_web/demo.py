"""A demo hospital with about three months of synthetic responses, so every page has something to show."""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from . import banks
from .extensions import db
from .models import Answer, Comment, Department, Hospital, Response, SurveyPoint, User
from .problems.demo import seed_voices as seed_problem_voices

HOSPITAL = ("DEMO", "示例市第一人民医院")
# (code, name, kind, quality offset, [(point code, point name, bank)])
DEPARTMENTS = [
    ("OPD", "门诊部", "outpatient", 0.0, [
        ("OPD-MED", "内科门诊候诊区", "outpatient"),
        ("OPD-SUR", "外科门诊候诊区", "outpatient"),
        ("OPD-PED", "儿科门诊", "outpatient"),
    ]),
    ("CARD", "心血管内科病区（5楼）", "inpatient", 0.25, [
        ("CARD-NS", "心内科护士站", "inpatient"),
        ("CARD-FAM", "心内科陪护家属", "family"),
    ]),
    ("ORTH", "骨科病区（7楼）", "inpatient", -0.2, [
        ("ORTH-NS", "骨科护士站", "inpatient"),
        ("ORTH-BED", "骨科病房床旁（A区）", "inpatient"),
    ]),
    ("ED", "急诊科", "emergency", -0.35, [("ED-HALL", "急诊大厅", "emergency")]),
    ("PHAR", "药剂科", "pharmacy", 0.1, [("PHAR-WIN", "门诊西药房取药窗口", "outpatient")]),
    ("PSC", "患者服务中心", "support", 0.15, [("PSC-FU", "出院患者随访", "discharge")]),
]
DAYS = 92
# Demo sign-ins (embedded demo only: `flask demo` refuses to run with PRODUCTION=true).
STAFF = [
    ("admin", "系统管理员", "admin", None, "demo-admin-2025"),
    ("quality", "质控办 王主任", "quality", None, "demo-quality-2025"),
    ("card", "心内科 李护士长", "dept_head", "CARD", "demo-card-2025"),
    ("orth", "骨科 张主任", "dept_head", "ORTH", "demo-orth-2025"),
    ("volunteer", "志愿者 小陈", "volunteer", None, "demo-volunteer-2025"),
    ("commission", "市卫健委 医政科", "commission", None, "demo-commission-2025"),
    ("complaints", "投诉办 陈老师", "complaints", None, "demo-complaints-2025"),
]
CORPUS = Path(__file__).resolve().parent.parent / "analysis" / "corpus"


def ensure_organisation() -> Hospital:
    """Create the demo hospital, departments and points unless they exist (tokens are kept)."""
    hospital = db.session.scalar(select(Hospital).where(Hospital.code == HOSPITAL[0]))
    if hospital is None:
        hospital = Hospital(code=HOSPITAL[0], name=HOSPITAL[1])
        db.session.add(hospital)
    existing = {d.code: d for d in hospital.departments}
    for code, name, kind, _offset, points in DEPARTMENTS:
        department = existing.get(code) or Department(hospital=hospital, code=code, name=name, kind=kind)
        db.session.add(department)
        have = {p.code for p in department.points}
        for point_code, point_name, bank in points:
            if point_code not in have:
                db.session.add(SurveyPoint(department=department, code=point_code, name=point_name, bank_code=bank))
    db.session.commit()
    from .staff_survey.demo import ensure_staff_survey

    ensure_staff_survey(hospital)
    return hospital


def ensure_staff(hospital: Hospital) -> list[tuple[str, str, str]]:
    """Create the demo staff accounts that do not exist yet; returns (username, role, password) of all."""
    from .accounts.passwords import hash_password

    departments = {d.code: d for d in hospital.departments}
    existing = set(db.session.scalars(select(User.username).where(User.username.in_([s[0] for s in STAFF]))))
    for username, name, role, department, password in STAFF:
        if username in existing:
            continue
        db.session.add(User(username=username, display_name=name, role=role, password_hash=hash_password(password),
                            hospital=None if role == "admin" else hospital,
                            department=departments.get(department) if department else None,
                            hospitals=[hospital] if role == "commission" else []))
    db.session.commit()
    return [(username, role, password) for username, _n, role, _d, password in STAFF]


def _comment_pool() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("part*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def generate_responses(hospital: Hospital, *, days: int = DAYS, per_day: int = 28, seed: int = 20231,
                       today: datetime | None = None) -> int:
    """Add synthetic responses over the last DAYS days unless the demo already has some; returns the count."""
    point_ids = [p.id for d in hospital.departments for p in d.points]
    if db.session.scalar(select(Response.id).where(Response.point_id.in_(point_ids)).limit(1)):
        return 0
    rng = random.Random(seed)
    comments = _comment_pool()
    offsets = {code: offset for code, _n, _k, offset, _p in DEPARTMENTS}
    points = [(p, offsets[d.code]) for d in hospital.departments for p in d.points]
    versions = {code: banks.ensure_version(bank) for code, bank in banks.all_current().items()}
    end = (today or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    made = 0
    for day in range(days, 0, -1):
        date = end - timedelta(days=day)
        # A slow improvement over the quarter, as a campaign would hope to show.
        trend = (days - day) / days * 0.25
        rows, answer_rows, comment_rows = [], [], []
        for _ in range(rng.randint(per_day - 8, per_day + 8)):
            point, offset = rng.choice(points)
            bank = banks.current(point.bank_code)
            mood = rng.gauss(0.0, 0.9) + offset + trend
            submitted = date + timedelta(seconds=rng.randint(7 * 3600, 21 * 3600))
            assisted = rng.random() < 0.15
            key = uuid.UUID(int=rng.getrandbits(128)).hex
            rows.append({"point_id": point.id, "bank_version_id": versions[bank.code],
                         "role": "family" if bank.code == "family" or rng.random() < 0.22 else "patient",
                         "language": rng.choices(["zh_CN", "zh_TW", "en"], [96, 3, 1])[0],
                         "mode": "volunteer_assisted" if assisted else "self",
                         "started_at": submitted - timedelta(seconds=rng.randint(50, 400)),
                         "submitted_at": submitted, "submission_key": key, "contact_consent": False})
            for question in bank.questions:
                if question.type == "text":
                    if rng.random() < 0.35:
                        comment_rows.append((key, rng.choice(comments)))
                    continue
                answer_rows.append((key, question.code, *_answer(rng, question, mood + (0.3 if assisted else 0))))
        made += len(rows)
        if rows:  # a quiet day (few per day) may draw none; an INSERT of no rows would insert one empty row
            _bulk_store(rows, answer_rows, comment_rows, date)
    from .campaigns.demo import ensure_campaign

    return made + seed_problem_voices(hospital) + ensure_campaign(hospital, today=end)  # + a finished follow-up campaign


def _answer(rng: random.Random, question, mood: float) -> tuple[int | None, str | None]:
    if question.na and rng.random() < 0.12:
        return None, "na"
    if question.type == "choice":
        values = [o.value for o in question.options]
        weights = [max(0.05, 1 + mood * (1 - 2 * i / max(1, len(values) - 1))) for i in range(len(values))]
        return None, rng.choices(values, weights)[0]
    score = round(4.1 + mood + rng.gauss(0, 0.7))
    return min(5, max(1, score)), None


def _bulk_store(rows: list[dict], answers: list[tuple], comments: list[tuple], date: datetime) -> None:
    db.session.execute(insert(Response), rows)
    ids = dict(db.session.execute(
        select(Response.submission_key, Response.id).where(Response.submission_key.in_([r["submission_key"]
                                                                                        for r in rows]))
    ).all())
    if answers:
        db.session.execute(insert(Answer), [
            {"response_id": ids[key], "question_code": code, "score": score, "option": option}
            for key, code, score, option in answers])
    if comments:
        db.session.execute(insert(Comment), [
            {"response_id": ids[key], "text": text, "status": "pending", "created_at": date + timedelta(hours=12)}
            for key, text in comments])
    db.session.commit()
