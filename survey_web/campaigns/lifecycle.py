"""A campaign's life: open, closed (no more messages), purged (its contact data removed after retention)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from .. import audit
from ..extensions import db
from ..models import Campaign, Hospital, Invitation, Message, utcnow
from ..models.campaigns import CampaignStatus, MessageState


def create(hospital: Hospital, name: str, *, reminder_days: int | None = None,
           retention_days: int | None = None) -> Campaign:
    config = current_app.config
    campaign = Campaign(hospital_id=hospital.id, name=name, status=CampaignStatus.OPEN.value,
                        reminder_days=reminder_days or config["FOLLOWUP_REMINDER_DAYS"],
                        retention_days=config["FOLLOWUP_RETENTION_DAYS"] if retention_days is None else retention_days)
    db.session.add(campaign)
    db.session.flush()
    audit.record("followup.create", "followup_campaign", campaign.id, after={"name": name}, user_id=None)
    db.session.commit()
    return campaign


def close(campaign: Campaign, now=None) -> int:
    """No more messages for CAMPAIGN; returns how many waiting messages were dropped."""
    now = now or utcnow()
    dropped = db.session.execute(update(Message).where(
        Message.invitation_id.in_(select(Invitation.id).where(Invitation.campaign_id == campaign.id)),
        Message.state.in_((MessageState.PENDING, MessageState.CLAIMED))
    ).values(state=MessageState.SKIPPED, claimed_by=None).execution_options(synchronize_session=False)).rowcount
    campaign.status = CampaignStatus.CLOSED.value
    campaign.closed_at = now
    audit.record("followup.close", "followup_campaign", campaign.id, after={"dropped": dropped}, user_id=None)
    db.session.commit()
    return dropped or 0


def purge_due(now=None) -> dict:
    """Remove names, phone numbers, addresses and 住院号 hashes of campaigns closed for their retention days."""
    now = now or utcnow()
    purged = {}
    for campaign in db.session.scalars(select(Campaign).where(Campaign.status == CampaignStatus.CLOSED)):
        closed_at = campaign.closed_at
        if closed_at.tzinfo is None:  # SQLite hands back naive UTC
            closed_at = closed_at.replace(tzinfo=now.tzinfo)
        if closed_at + timedelta(days=campaign.retention_days) > now:
            continue
        count = db.session.execute(update(Invitation).where(Invitation.campaign_id == campaign.id).values(
            name_encrypted=None, phone_encrypted=None, email_encrypted=None, admission_hash=None)).rowcount
        db.session.execute(update(Message).where(
            Message.invitation_id.in_(select(Invitation.id).where(Invitation.campaign_id == campaign.id)))
            .values(provider_ref=None).execution_options(synchronize_session=False))
        campaign.status = CampaignStatus.PURGED.value
        campaign.purged_at = now
        audit.record("followup.purge", "followup_campaign", campaign.id, after={"invitations": count}, user_id=None)
        purged[campaign.id] = count or 0
    db.session.commit()
    return purged
