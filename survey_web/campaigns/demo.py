"""The demo hospital's finished follow-up campaign: realistic funnel numbers and the invited patients' answers.

The campaign is closed and purged, as a real one is after its retention days: the invitations keep only
their progress (sent, delivered, opened, answered, opted out), no names or numbers.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from .. import banks
from ..extensions import db
from ..models import Campaign, Department, Hospital, Invitation, Message, SurveyPoint
from ..models.campaigns import CampaignStatus

NAME = "2026年9-10月出院患者随访（演示）"
# ward code: (discharged patients, chance to answer once reached, mood offset)
WARDS = {"CARD": (420, 0.46, 0.25), "ORTH": (260, 0.24, -0.2)}
CHANNELS = (("sms", 0.86), ("email", 0.09), ("letter", 0.05))


def ensure_campaign(hospital: Hospital, *, today: datetime | None = None, seed: int = 20261) -> int:
    """Add the finished demo campaign unless it exists; returns the number of responses it added."""
    from ..demo import _answer, _bulk_store  # the demo's answer model and bulk insert, shared

    if db.session.scalar(select(Campaign.id).where(Campaign.hospital_id == hospital.id, Campaign.name == NAME)):
        return 0
    point = db.session.scalar(select(SurveyPoint).join(Department).where(
        Department.hospital_id == hospital.id, SurveyPoint.bank_code == "discharge").order_by(SurveyPoint.id))
    wards = {d.code: d for d in hospital.departments if d.code in WARDS}
    if point is None or not wards:
        return 0
    rng = random.Random(seed)
    end = (today or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=70)
    campaign = Campaign(hospital_id=hospital.id, name=NAME, status=CampaignStatus.PURGED.value, reminder_days=7,
                        retention_days=30, created_at=start, closed_at=end - timedelta(days=32),
                        purged_at=end - timedelta(days=1))
    db.session.add(campaign)
    db.session.flush()
    bank = banks.current(point.bank_code)
    version = banks.ensure_version(bank)
    responses, answers = [], []
    for code, (patients, answer_chance, mood_offset) in WARDS.items():
        for _ in range(patients):
            channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
            discharged = start + timedelta(days=rng.randint(0, 30))
            sent_at = discharged + timedelta(days=3, hours=2)
            fate = rng.random()
            state = "failed" if fate < 0.015 else "unknown" if fate < 0.02 else "sent"
            delivered = state == "sent" and (channel != "sms" or rng.random() < 0.96)
            opened = delivered and rng.random() < answer_chance + 0.18
            answered = opened and rng.random() < answer_chance / (answer_chance + 0.18)
            opted_out = delivered and not answered and rng.random() < 0.035
            invitation = Invitation(
                campaign_id=campaign.id, department_id=wards[code].id, point_id=point.id, channel=channel,
                discharged_on=discharged.date(), created_at=start,
                opened_at=sent_at + timedelta(hours=rng.randint(1, 60)) if opened else None,
                opted_out_at=sent_at + timedelta(hours=rng.randint(1, 48)) if opted_out else None)
            invitation.answered_at = invitation.opened_at + timedelta(minutes=rng.randint(2, 9)) if answered else None
            db.session.add(invitation)
            db.session.add(Message(invitation=invitation, kind="invite", channel=channel, state=state,
                                   due_at=sent_at, finished_at=sent_at, attempts=1,
                                   delivered_at=sent_at + timedelta(seconds=20) if delivered else None,
                                   error="invalid_number" if state == "failed" else "timeout" if state == "unknown"
                                   else None))
            if delivered:
                reminder = "sent" if not (answered or opted_out) else "skipped"
                db.session.add(Message(invitation=invitation, kind="reminder", channel=channel, state=reminder,
                                       due_at=sent_at + timedelta(days=7), attempts=int(reminder == "sent")))
            if answered:
                key = uuid.UUID(int=rng.getrandbits(128)).hex
                submitted = invitation.answered_at
                responses.append({"point_id": point.id, "bank_version_id": version, "role": "patient",
                                  "language": "zh_CN", "mode": "self", "started_at": submitted - timedelta(minutes=3),
                                  "submitted_at": submitted, "submission_key": key, "contact_consent": False,
                                  "campaign_id": campaign.id, "channel": channel})
                mood = rng.gauss(0.0, 0.9) + mood_offset - 0.15  # at home, patients are a little more critical
                answers += [(key, q.code, *_answer(rng, q, mood)) for q in bank.questions if q.type != "text"]
    db.session.flush()
    if responses:
        _bulk_store(responses, answers, [], end)
    db.session.commit()
    return len(responses)

