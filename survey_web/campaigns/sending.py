"""Sending exactly once: a message is claimed in the database, marked `sending`, handed to its channel, and
its outcome recorded, each step a committed conditional UPDATE.

- A worker killed after claiming leaves `claimed` rows: never handed over, so released for another batch
  once their lease ends.
- A worker killed while handing one over leaves that one `sending`: it may have gone out, so it becomes
  `unknown` (never resent blindly). If the channel can look up its client reference, `reconcile` asks it:
  taken -> `sent`, never taken -> back to `pending` (the same reference: a gateway that did take it drops a
  repeat), no answer -> stays `unknown`, shown to the office.
- Redis lost mid-campaign loses nothing: the state is here; the worker's sweeper enqueues the next batch.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, exists, insert, select, update

from ..channels import Outcome, Outgoing, Result
from ..extensions import db
from ..models import Campaign, Department, Hospital, Invitation, Message, utcnow
from ..models.campaigns import CampaignStatus, MessageKind, MessageState
from . import contacts, links
from .adapters import NotConfigured, Pacer, adapter

log = logging.getLogger(__name__)
BATCH = 100
RETRY_BACKOFF = 60  # seconds before a message the channel could not take now is tried again
S = MessageState


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    deferred: int = 0
    skipped: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, result: Result | None, state: str) -> None:
        name = {S.SENT: "sent", S.FAILED: "failed", S.UNKNOWN: "unknown", S.PENDING: "deferred",
                S.SKIPPED: "skipped"}[state]
        setattr(self, name, getattr(self, name) + 1)
        if result is not None and result.error:
            self.errors[result.error] = self.errors.get(result.error, 0) + 1

    def as_dict(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "unknown": self.unknown, "deferred": self.deferred,
                "skipped": self.skipped, "errors": self.errors}


def _lease() -> tuple[timedelta, timedelta]:
    """How long a claim, and a hand-over, may go without news before their worker counts as dead.

    A hand-over waits at most the channel's timeout, so its limit is never shorter than twice that."""
    config = current_app.config
    lease = timedelta(seconds=config["FOLLOWUP_LEASE_SECONDS"])
    return lease, max(lease, timedelta(seconds=2 * config["FOLLOWUP_SEND_TIMEOUT"] + 1))


def recover(now=None) -> dict:
    """Release claims of dead workers (never handed over) and mark their `sending` messages `unknown`."""
    now = now or utcnow()
    lease, in_flight = _lease()
    released = db.session.execute(
        update(Message).where(Message.state == S.CLAIMED, Message.claimed_at < now - lease)
        .values(state=S.PENDING, claimed_by=None, claimed_at=None)).rowcount
    lost = db.session.execute(
        update(Message).where(Message.state == S.SENDING, Message.claimed_at < now - in_flight)
        .values(state=S.UNKNOWN, error="worker_lost", finished_at=now)).rowcount
    db.session.commit()
    if released or lost:
        log.warning("follow-up: %d claimed messages released, %d in flight marked unknown", released, lost)
    return {"released": released or 0, "unknown": lost or 0}


def heartbeat(worker: str) -> None:
    """Renew WORKER's claims (a live worker's batch outlasts the lease when the rate limit is low)."""
    db.session.execute(update(Message).where(Message.claimed_by == worker, Message.state == S.CLAIMED)
                       .values(claimed_at=utcnow()))


def claim(channel: str, worker: str, limit: int = BATCH) -> list[int]:
    """Take up to LIMIT due messages of CHANNEL for WORKER; a row another worker took first is not taken."""
    now = utcnow()
    due = (select(Message.id).where(Message.state == S.PENDING, Message.channel == channel, Message.due_at <= now)
           .order_by(Message.due_at, Message.id).limit(limit))
    db.session.execute(update(Message).where(Message.id.in_(due.scalar_subquery()), Message.state == S.PENDING)
                       .values(state=S.CLAIMED, claimed_by=worker, claimed_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(select(Message.id).where(Message.claimed_by == worker,
                                                            Message.state == S.CLAIMED).order_by(Message.id)))


@dataclass(frozen=True)
class Due:
    """A claimed message with what sending it needs, read once per batch (plain values, no ORM objects:
    they would be reloaded after each of the two commits per message)."""

    id: int
    invitation_id: int
    kind: str
    channel: str
    client_ref: str
    token: str
    name: bytes | None
    phone: bytes | None
    email: bytes | None
    hospital: str
    ward: str
    reminder_days: int


def load(ids: list[int]) -> list[Due]:
    rows = db.session.execute(
        select(Message.id, Message.invitation_id, Message.kind, Message.channel, Message.client_ref,
               Invitation.token, Invitation.name_encrypted, Invitation.phone_encrypted, Invitation.email_encrypted,
               Hospital.name, Department.name, Campaign.reminder_days)
        .join(Invitation, Invitation.id == Message.invitation_id).join(Campaign, Campaign.id == Invitation.campaign_id)
        .join(Hospital, Hospital.id == Campaign.hospital_id).join(Department, Department.id == Invitation.department_id)
        .where(Message.id.in_(ids)).order_by(Message.id))
    return [Due(*row) for row in rows]


def outgoing(due: Due) -> Outgoing | None:
    """The message as its channel needs it (contact decrypted here, held only while it is sent)."""
    to = contacts.opened(due.phone if due.channel == "sms" else due.email)
    if due.channel != "letter" and not to:
        return None
    return Outgoing(client_ref=due.client_ref, kind=due.kind, to=to or "", name=contacts.opened(due.name) or "",
                    hospital=due.hospital, ward=due.ward, link=links.survey_url(due.token),
                    optout_link=links.optout_url(due.token))


def _finish(message_id: int, worker: str, state: str, result: Result | None, **extra) -> bool:
    done = db.session.execute(
        update(Message).where(Message.id == message_id, Message.claimed_by == worker,
                              Message.state.in_((S.CLAIMED, S.SENDING)))
        .values(state=state, finished_at=utcnow(), error=result.error if result else extra.pop("error", None),
                provider_ref=result.provider_ref if result else None, **extra)).rowcount
    return bool(done)


def record(due: Due, worker: str, result: Result, *, commit: bool = True) -> str:
    """Store RESULT for a message WORKER handed over; returns the new state.

    Without COMMIT the outcome rides on the next message's hand-over commit (one commit per message instead
    of two); should the worker die before it, this message stays `sending` and is settled as unknown.
    """
    now = utcnow()
    if result.outcome in (Outcome.SENT, Outcome.DELIVERED):
        state = S.SENT
        extra = {"delivered_at": now} if result.outcome == Outcome.DELIVERED or due.channel != "sms" else {}
        if _finish(due.id, worker, state, result, **extra) and due.kind == MessageKind.INVITE:
            schedule_reminder(due.invitation_id, due.channel, due.reminder_days, now)
    elif result.outcome == Outcome.REJECTED:
        state = S.FAILED
        _finish(due.id, worker, state, result)
    elif result.outcome == Outcome.RETRY_LATER:
        state = S.PENDING
        wait = result.retry_after if result.retry_after is not None else RETRY_BACKOFF
        db.session.execute(update(Message).where(Message.id == due.id, Message.claimed_by == worker).values(
            state=S.PENDING, claimed_by=None, claimed_at=None, error=result.error,
            due_at=now + timedelta(seconds=wait)))
    else:
        state = S.UNKNOWN
        _finish(due.id, worker, state, result)
    if commit:
        db.session.commit()
    return state


def schedule_reminder(invitation_id: int, channel: str, reminder_days: int, sent_at) -> None:
    """After an invite went out: its one reminder, due M days later (skipped if answered by then).

    Called only by the one transition of the invite to `sent`; the unique (invitation, kind) backs that up.
    """
    db.session.execute(insert(Message).values(invitation_id=invitation_id, kind=MessageKind.REMINDER.value,
                                              channel=channel, state=S.PENDING.value, attempts=0,
                                              due_at=sent_at + timedelta(days=reminder_days)))


# Checked in the same UPDATE that hands a message over, so an answer or a 退订 a moment before still wins.
STILL_WANTED = exists(select(Invitation.id).join(Campaign, Campaign.id == Invitation.campaign_id).where(
    Invitation.id == Message.invitation_id, Invitation.opted_out_at.is_(None), Invitation.answered_at.is_(None),
    Campaign.status == CampaignStatus.OPEN))


def send_one(message_id: int, worker: str, channel, pacer: Pacer | None) -> tuple[str, Result | None]:
    (due,) = load([message_id])
    return send_due_message(due, worker, channel, pacer)


def send_due_message(due: Due, worker: str, channel, pacer: Pacer | None, *, commit: bool = True
                     ) -> tuple[str, Result | None]:
    """Hand DUE to CHANNEL once (any earlier uncommitted outcome commits with its hand-over)."""
    payload = outgoing(due)
    if payload is None:
        _finish(due.id, worker, S.FAILED, None, error="no_contact")
        db.session.commit()
        return S.FAILED, None
    if pacer is not None:
        pacer.wait()
    # The point of no return: committed as `sending` before the channel sees it.
    handed = db.session.execute(
        update(Message).where(Message.id == due.id, Message.claimed_by == worker, Message.state == S.CLAIMED,
                              STILL_WANTED)
        .values(state=S.SENDING, attempts=Message.attempts + 1, claimed_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not handed:
        _finish(due.id, worker, S.SKIPPED, None)  # answered, opted out or closed (or no longer ours: no-op)
        db.session.commit()
        return S.SKIPPED, None
    db.session.commit()
    try:
        result = channel.send(payload)
    except Exception:  # noqa: BLE001 - an adapter bug must leave an honest state, not a `sending` row
        log.exception("follow-up %s adapter failed on message %d", due.channel, due.id)
        result = Result(Outcome.UNKNOWN, error="adapter_error")
    return record(due, worker, result, commit=commit), result


def reconcile(channel_name: str) -> dict:
    """Ask a channel that can look messages up what became of its `unknown` ones."""
    try:
        channel = adapter(channel_name)
    except NotConfigured:
        return {}
    lookup = getattr(channel, "lookup", None)
    if lookup is None:
        return {}
    counts = {"sent": 0, "pending": 0, "failed": 0, "unknown": 0}
    # A gateway may still be working on a request its sender gave up on: ask only once it must have finished.
    settled = utcnow() - timedelta(seconds=3 * current_app.config["FOLLOWUP_SEND_TIMEOUT"])
    for message in db.session.scalars(select(Message).where(
            Message.state == S.UNKNOWN, Message.channel == channel_name, Message.finished_at < settled).limit(1000)):
        outcome = lookup(message.client_ref)
        values: dict = {}
        if outcome in (Outcome.SENT, Outcome.DELIVERED):
            values = {"state": S.SENT}  # the error stays: sent, confirmed only after a timeout
            if outcome == Outcome.DELIVERED:
                values["delivered_at"] = utcnow()
        elif outcome is None:
            values = {"state": S.PENDING, "claimed_by": None, "claimed_at": None, "due_at": utcnow()}
        elif outcome == Outcome.REJECTED:
            values = {"state": S.FAILED}
        if values:
            moved = db.session.execute(update(Message).where(Message.id == message.id, Message.state == S.UNKNOWN)
                                       .values(**values)).rowcount
            if moved and values["state"] == S.SENT and message.kind == MessageKind.INVITE:
                schedule_reminder(message.invitation_id, message.channel, message.invitation.campaign.reminder_days,
                                  message.finished_at or utcnow())
            counts[{S.SENT: "sent", S.PENDING: "pending", S.FAILED: "failed"}[values["state"]]] += 1
        else:
            counts["unknown"] += 1
    db.session.commit()
    return counts


def check_deliveries(channel_name: str = "sms", limit: int = 1000) -> int:
    """Ask the gateway which sent SMS reached the handset; returns how many are now delivered."""
    channel = adapter(channel_name)
    lookup = getattr(channel, "lookup", None)
    if lookup is None:
        return 0
    delivered = 0
    rows = db.session.execute(select(Message.id, Message.client_ref).where(
        Message.state == S.SENT, Message.channel == channel_name, Message.delivered_at.is_(None)).limit(limit)).all()
    for message_id, ref in rows:
        outcome = lookup(ref)
        if outcome == Outcome.DELIVERED:
            delivered += db.session.execute(update(Message).where(Message.id == message_id)
                                            .values(delivered_at=utcnow())).rowcount
        elif outcome == Outcome.REJECTED:
            db.session.execute(update(Message).where(Message.id == message_id)
                               .values(state=S.FAILED, error="undelivered"))
    db.session.commit()
    return delivered


def send_due(channel_name: str, *, budget_seconds: float = 40, batch: int = BATCH) -> dict:
    """Send CHANNEL's due messages in batches for up to BUDGET_SECONDS; returns the counts."""
    recover()
    try:
        channel = adapter(channel_name)
    except NotConfigured as exc:
        log.warning("follow-up %s messages wait: %s", channel_name, exc)
        return {"not_configured": True}
    if getattr(channel, "lookup", None):
        reconcile(channel_name)
    pacer = Pacer(channel_name)
    worker = uuid.uuid4().hex
    report = SendReport()
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        ids = claim(channel_name, worker, batch)
        if not ids:
            break
        dues = load(ids)
        beat = time.monotonic()
        for position, due in enumerate(dues):
            if time.monotonic() - beat > current_app.config["FOLLOWUP_LEASE_SECONDS"] / 3:
                heartbeat(worker)  # committed with the next hand-over
                beat = time.monotonic()
            if time.monotonic() >= deadline:
                _release([d.id for d in dues[position:]], worker)  # commits the last outcome too
                break
            state, result = send_due_message(due, worker, channel, pacer, commit=False)
            report.add(result, state)
        db.session.commit()
    return report.as_dict()


def _release(ids: list[int], worker: str) -> None:
    db.session.execute(update(Message).where(and_(Message.id.in_(ids), Message.claimed_by == worker,
                                                  Message.state == S.CLAIMED))
                       .values(state=S.PENDING, claimed_by=None, claimed_at=None))
    db.session.commit()


def due_channels() -> list[str]:
    """Channels with a message due now, or an unknown one their provider can be asked about (what the
    sweeper enqueues a send job for; the job reconciles first)."""
    due = set(db.session.scalars(select(Message.channel).where(
        Message.state == S.PENDING, Message.due_at <= utcnow()).group_by(Message.channel)))
    for channel in db.session.scalars(select(Message.channel).where(Message.state == S.UNKNOWN)
                                      .group_by(Message.channel)):
        try:
            if getattr(adapter(channel), "lookup", None):
                due.add(channel)
        except NotConfigured:
            continue
    return sorted(due)
