"""After the campaign closes and its retention days pass, the patients' details are gone from every table,
and at no point did they reach the logs."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from survey_web.campaigns import contacts, lifecycle, links, sending
from survey_web.jobs.retention import purge_job
from survey_web.models import Campaign, Invitation, utcnow

from ...conftest import hidden_fields
from .conftest import contains_anywhere, imported, patients
from .test_links import ANSWERS


def test_contact_data_is_gone_from_every_table_after_retention(campaign, fu_app, fu_db, tmp_path, caplog):
    rows = patients(3)
    with caplog.at_level(logging.DEBUG):
        imported(campaign, tmp_path, rows)
        sending.send_due("sms")
        invitations = fu_db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        phone = fu_app.test_client()
        form = hidden_fields(phone.get(f"/f/{invitations[0].token}").get_data(as_text=True))
        phone.post(f"/f/{invitations[0].token}", data={**form, **ANSWERS})
        links.opt_out(invitations[1])
        lifecycle.close(campaign)
        assert lifecycle.purge_due(utcnow() + timedelta(days=29)) == {}  # not yet: 30 retention days
        for _number, name, phone_number, _ward, _day in rows:
            assert contains_anywhere(phone_number) and contains_anywhere(name)
        assert lifecycle.purge_due(utcnow() + timedelta(days=31)) == {campaign.id: 3}
    fu_db.session.expire_all()
    for number, name, phone_number, _ward, _day in rows:
        for needle in (number, name, phone_number, contacts.admission_hash("FU", number)):
            assert not contains_anywhere(needle), needle
            assert needle not in caplog.text
    # What stays: the figures (opened, answered, opted out) and, for the one who opted out, the keyed hash
    # of the number on the opt-out list (so that 退订 holds for good).
    assert fu_db.session.scalar(select(Campaign.status)) == "purged"
    assert [i.answered_at is not None for i in fu_db.session.scalars(select(Invitation).order_by(Invitation.id))] \
        == [True, False, False]


def test_the_hourly_retention_job_purges_campaigns_too(campaign, fu_app, fu_db, tmp_path):
    imported(campaign, tmp_path, patients(1))
    campaign.retention_days = 0
    lifecycle.close(campaign)
    assert purge_job()["followup_invitations"] == 1
    fu_db.session.expire_all()
    assert fu_db.session.scalar(select(Invitation.phone_encrypted)) is None
