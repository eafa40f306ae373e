"""What an invitation's link does: open the ward's survey once, say "already answered" after, and 退订.

The link carries a random token (not derived from anything about the patient). Answering records only that
the invitation was answered; the response itself carries the campaign and channel, not the invitation.
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Department, Invitation, Message, OptOut, SurveyPoint, utcnow
from ..models.campaigns import MessageState
from . import contacts

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PATH = "/f/{token}"
OPTOUT_PATH = "/f/{token}/stop"


def survey_url(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + PATH.format(token=token)


def optout_url(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + OPTOUT_PATH.format(token=token)


def find(token: str) -> Invitation | None:
    if not TOKEN.match(token or ""):
        return None
    return db.session.scalar(
        select(Invitation).options(joinedload(Invitation.point).joinedload(SurveyPoint.department)
                                   .joinedload(Department.hospital))
        .where(Invitation.token == token))


def mark_opened(invitation: Invitation) -> None:
    """The first opening counts (later ones change nothing)."""
    db.session.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.opened_at.is_(None))
                       .values(opened_at=utcnow()))
    db.session.commit()


def claim_answer(invitation_id: int) -> bool:
    """Mark the invitation answered in the current transaction; False if it already was (single use).

    The caller stores the response in the same transaction, so both happen or neither does.
    """
    now = utcnow()
    claimed = db.session.execute(update(Invitation).where(
        Invitation.id == invitation_id, Invitation.answered_at.is_(None)).values(answered_at=now)).rowcount
    if claimed:
        db.session.execute(update(Invitation).where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
                           .values(opened_at=now))
        db.session.execute(update(Message).where(Message.invitation_id == invitation_id,
                                                 Message.state == MessageState.PENDING)
                           .values(state=MessageState.SKIPPED))
    return bool(claimed)


def opt_out(invitation: Invitation) -> None:
    """退订: no further message for this invitation (pending ones skipped now, a claimed one is skipped at its
    send), and the phone number or address goes on the opt-out list for every later import."""
    now = utcnow()
    db.session.execute(update(Invitation).where(Invitation.id == invitation.id, Invitation.opted_out_at.is_(None))
                       .values(opted_out_at=now))
    db.session.execute(update(Message).where(Message.invitation_id == invitation.id,
                                             Message.state.in_((MessageState.PENDING, MessageState.CLAIMED)))
                       .values(state=MessageState.SKIPPED, claimed_by=None))
    db.session.commit()
    for sealed in (invitation.phone_encrypted, invitation.email_encrypted):
        value = contacts.opened(sealed)
        if value and db.session.get(OptOut, contacts.contact_hash(value)) is None:
            db.session.add(OptOut(contact_hash=contacts.contact_hash(value)))
            try:
                db.session.commit()
            except IntegrityError:  # the same number opted out a moment ago from another invitation
                db.session.rollback()
