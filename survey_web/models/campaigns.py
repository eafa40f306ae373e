"""Discharge follow-up: campaigns, one invitation per discharged patient, and each message sent for it.

The invitation holds the only contact data (encrypted, removed at retention) and the patient's progress
(opened, answered, opted out), never the answers: a response carries the campaign and channel, not the
invitation. A message row exists once per invitation and kind (unique), and its `state` is claimed in the
database before the channel is called, so no patient gets the same message twice.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import one_of, utcnow
from .org import new_token


class CampaignStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # no more messages; contact data goes after its retention days
    PURGED = "purged"  # contact data removed


class ChannelName(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class MessageKind(StrEnum):
    INVITE = "invite"
    REMINDER = "reminder"


class MessageState(StrEnum):
    PENDING = "pending"  # waiting for its due time
    CLAIMED = "claimed"  # taken by a batch, not yet handed to the channel (safe to release)
    SENDING = "sending"  # handed to the channel; the outcome is not recorded yet
    SENT = "sent"
    FAILED = "failed"  # refused for good by the channel (bad number, ...)
    UNKNOWN = "unknown"  # may or may not have gone out: shown, never resent blindly
    SKIPPED = "skipped"  # not needed any more: answered, opted out, or the campaign closed


class Campaign(db.Model):
    __tablename__ = "followup_campaigns"
    __table_args__ = (CheckConstraint(one_of("status", CampaignStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hospital_id: Mapped[int] = mapped_column(ForeignKey("hospitals.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=CampaignStatus.OPEN.value)
    reminder_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    hospital = relationship("Hospital")


class FollowupWard(db.Model):
    """How many days after discharge a ward's patients are invited (no row: the default, 3)."""

    __tablename__ = "followup_wards"

    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    delay_days: Mapped[int] = mapped_column(SmallInteger)


class Invitation(db.Model):
    __tablename__ = "followup_invitations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "admission_hash"),
        CheckConstraint(one_of("channel", ChannelName), name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("followup_campaigns.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("survey_points.id"))
    channel: Mapped[str] = mapped_column(String(10))
    discharged_on: Mapped[date] = mapped_column(Date)
    # Keyed hash of the 住院号 (dedupes a re-import); it, the name and the contacts go at retention.
    admission_hash: Mapped[str | None] = mapped_column(String(64))
    name_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    point = relationship("SurveyPoint")
    department = relationship("Department")


class Message(db.Model):
    __tablename__ = "followup_messages"
    __table_args__ = (
        UniqueConstraint("invitation_id", "kind"),
        CheckConstraint(one_of("kind", MessageKind), name="kind"),
        CheckConstraint(one_of("state", MessageState), name="state"),
        CheckConstraint(one_of("channel", ChannelName), name="channel"),
        Index("ix_followup_messages_due", "state", "channel", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("followup_invitations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default=MessageState.PENDING.value)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The reference the channel gets with the message: a gateway that knows it can tell whether it arrived.
    client_ref: Mapped[str] = mapped_column(String(40), unique=True, default=lambda: "fu" + new_token())
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_ref: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(String(40))  # a code from the channel, never contact data

    invitation: Mapped[Invitation] = relationship()


class OptOut(db.Model):
    """退订 for good: a keyed hash of the phone number or e-mail address, checked at every import."""

    __tablename__ = "followup_optouts"

    contact_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
