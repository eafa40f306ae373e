"""Sending exactly once through a real local SMS gateway: refusals, rate limits, outages, timeouts, dead workers,
reminders and 退订."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from survey_web.campaigns import lifecycle, links, sending
from survey_web.models import Invitation, Message, utcnow

from .conftest import imported, patients


def states(db) -> dict[str, int]:
    found: dict[str, int] = {}
    for state in db.session.scalars(select(Message.state)):
        found[state] = found.get(state, 0) + 1
    return found


def test_due_invitations_go_out_once_each(campaign, fu_db, gateway, tmp_path):
    """Five due invitations: five messages with link and 退订 link; a second run sends nothing more."""
    imported(campaign, tmp_path, patients(5))
    assert sending.send_due("sms")["sent"] == 5
    assert sending.send_due("sms")["sent"] == 0
    assert len(gateway.accepted) == 5 and set(gateway.posts.values()) == {1}
    token = fu_db.session.scalars(select(Invitation.token).order_by(Invitation.id)).first()
    texts = [m["text"] for m in gateway.accepted.values()]
    assert any(f"/f/{token}" in t and f"/f/{token}/stop" in t for t in texts)
    assert states(fu_db) == {"sent": 5, "pending": 5}  # each sent invite has its one reminder waiting


def test_nothing_goes_out_before_its_day(campaign, fu_db, gateway, tmp_path):
    imported(campaign, tmp_path, patients(2, days_ago=0))
    assert sending.send_due("sms")["sent"] == 0 and not gateway.posts


def test_a_refused_number_is_failed_for_good(campaign, fu_db, gateway, tmp_path):
    gateway.behaviour.refuse = {"13900000001"}
    imported(campaign, tmp_path, patients(3))
    report = sending.send_due("sms")
    assert (report["sent"], report["failed"], report["errors"]) == (2, 1, {"invalid_number": 1})
    sending.send_due("sms")
    assert gateway.posts[fu_db.session.scalar(select(Message.client_ref).where(Message.state == "failed"))] == 1


def test_rate_limited_messages_wait_and_go_out_later_once(campaign, fu_db, gateway, tmp_path):
    """HTTP 429 with Retry-After: the message was not taken, so it waits and is sent again, once."""
    gateway.behaviour.per_second = 2
    imported(campaign, tmp_path, patients(6))
    deadline = time.time() + 20
    while time.time() < deadline and len(gateway.accepted) < 6:
        sending.send_due("sms", budget_seconds=5)
        time.sleep(0.3)
    assert len(gateway.accepted) == 6 and gateway.refused_429 > 0
    assert gateway.duplicates() == 0
    assert states(fu_db)["sent"] == 6


def test_a_gateway_outage_defers_and_loses_nothing(campaign, fu_db, gateway, tmp_path):
    gateway.behaviour.down = True
    imported(campaign, tmp_path, patients(3))
    assert sending.send_due("sms")["deferred"] == 3
    gateway.behaviour.down = False
    fu_db.session.execute(update(Message).values(due_at=utcnow()))
    fu_db.session.commit()
    assert sending.send_due("sms")["sent"] == 3


def test_a_timeout_is_unknown_then_settled_by_the_client_reference(campaign, fu_db, gateway, tmp_path):
    """The gateway takes every 2nd message but answers after the client gave up: those are marked unknown,
    not resent; the next run asks the gateway by reference and records them sent, still one message each."""
    gateway.behaviour.stall_every, gateway.behaviour.stall_seconds = 2, 1.5
    imported(campaign, tmp_path, patients(4))
    first = sending.send_due("sms")
    assert first["unknown"] == 2 and first["sent"] == 2
    gateway.behaviour.stall_every = 0
    assert sending.reconcile("sms") == {"sent": 0, "pending": 0, "failed": 0, "unknown": 0}  # too early to ask
    time.sleep(3.1)  # three send timeouts after the sender gave up
    assert sending.reconcile("sms") == {"sent": 2, "pending": 0, "failed": 0, "unknown": 0}
    assert states(fu_db) == {"sent": 4, "pending": 4}
    assert set(gateway.posts.values()) == {1} and gateway.duplicates() == 0


def test_a_dead_workers_claims_are_released_and_its_message_in_flight_is_unknown(campaign, fu_app, fu_db, gateway,
                                                                                 tmp_path):
    """A worker died holding a batch: the untouched claims go back; the one it was handing over is unknown.
    The gateway never got that one, so the lookup puts it back too, and everything goes out once."""
    imported(campaign, tmp_path, patients(4))
    ids = sending.claim("sms", "dead-worker")
    fu_db.session.execute(update(Message).where(Message.id == ids[0]).values(state="sending"))
    fu_db.session.execute(update(Message).values(claimed_at=utcnow() - timedelta(seconds=600)))
    fu_db.session.commit()
    assert sending.recover() == {"released": 3, "unknown": 1}
    report = sending.send_due("sms")
    assert report["sent"] == 3 and states(fu_db)["unknown"] == 1  # not asked about yet: it may be in flight
    fu_db.session.execute(update(Message).where(Message.state == "unknown")
                          .values(finished_at=utcnow() - timedelta(seconds=10)))
    fu_db.session.commit()
    report = sending.send_due("sms")
    assert report["sent"] == 1 and len(gateway.accepted) == 4 and set(gateway.posts.values()) == {1}


def test_an_unknown_outcome_without_a_lookup_stays_unknown(campaign, fu_app, fu_db, tmp_path):
    """E-mail cannot be looked up: an unknown e-mail stays unknown (shown), never resent by itself."""
    from survey_web.campaigns.rates import counts

    imported(campaign, tmp_path, patients(1))
    fu_db.session.execute(update(Message).values(state="unknown", channel="email"))
    fu_db.session.commit()
    assert sending.reconcile("email") == {}
    assert counts([campaign.id], "campaign")[0].unknown == 1


def test_one_reminder_when_unanswered_none_when_answered_or_opted_out(campaign, fu_db, gateway, tmp_path):
    imported(campaign, tmp_path, patients(3))
    sending.send_due("sms")
    invitations = fu_db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert links.claim_answer(invitations[0].id)
    fu_db.session.commit()
    links.opt_out(invitations[1])
    fu_db.session.execute(update(Message).where(Message.kind == "reminder").values(due_at=utcnow()))
    fu_db.session.commit()
    report = sending.send_due("sms")
    assert report["sent"] == 1
    reminders = [m["text"] for m in gateway.accepted.values() if m["text"].startswith("（提醒）")]
    assert len(reminders) == 1 and invitations[2].token in reminders[0]
    assert sending.send_due("sms")["sent"] == 0  # one reminder, never a second


def test_opting_out_after_the_claim_still_stops_the_message(campaign, fu_db, gateway, tmp_path):
    imported(campaign, tmp_path, patients(1))
    ids = sending.claim("sms", "w1")
    links.opt_out(fu_db.session.get(Message, ids[0]).invitation)
    state, _ = sending.send_one(ids[0], "w1", sending.adapter("sms"), None)
    assert state == "skipped" and not gateway.posts


def test_closing_a_campaign_drops_its_waiting_messages(campaign, fu_db, gateway, tmp_path):
    imported(campaign, tmp_path, patients(2, days_ago=0))
    assert lifecycle.close(campaign) == 2
    fu_db.session.execute(update(Message).values(due_at=utcnow()))
    fu_db.session.commit()
    assert sending.send_due("sms")["sent"] == 0 and not gateway.posts
