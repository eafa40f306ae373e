"""Response rates per campaign, ward and channel; the dashboard section, within each reader's scope; the demo."""

from __future__ import annotations

from sqlalchemy import select

from survey_web.campaigns import lifecycle, links, rates, sending
from survey_web.models import Invitation, SurveyPoint

from ...world import login, make_world
from .conftest import imported, patients
from .test_links import ANSWERS


def _world_campaign(tmp_path):
    world = make_world()
    from survey_web.extensions import db

    db.session.add(SurveyPoint(department=world.card, code="CARD-FU", name="出院随访", bank_code="discharge"))
    db.session.commit()
    campaign = lifecycle.create(world.h1, "十二月随访")
    imported(campaign, tmp_path, patients(3, ward="CARD") + patients(2, ward="ORTH", start=3)
             + [["L9", "无电话", "", "ORTH", "2026-11-20"]])
    return world, campaign


def test_the_funnel_per_campaign_ward_and_channel(fu_app, fu_db, gateway, tmp_path):
    from ...conftest import hidden_fields

    _world, campaign = _world_campaign(tmp_path)
    gateway.behaviour.refuse = {"13900000004"}
    sending.send_due("sms")
    sending.send_due("letter")
    assert sending.check_deliveries("sms") == 4
    invitations = fu_db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    phone = fu_app.test_client()
    form = hidden_fields(phone.get(f"/f/{invitations[0].token}").get_data(as_text=True))
    phone.post(f"/f/{invitations[0].token}", data={**form, **ANSWERS})
    fu_app.test_client().get(f"/f/{invitations[1].token}")
    links.opt_out(invitations[2])
    total = rates.counts([campaign.id], "campaign")[0]
    assert (total.invitations, total.invited, total.delivered, total.opened, total.answered, total.opted_out,
            total.failed) == (6, 5, 5, 2, 1, 1, 1)
    assert total.rate.value == 1 / 5 and total.rate.small_n and total.low_rate
    wards = {row.label: (row.invited, row.answered) for row in rates.counts([campaign.id], "ward")}
    assert wards == {"心内科": (3, 1), "骨科": (2, 0)}
    channels = {row.label: row.invited for row in rates.counts([campaign.id], "channel")}
    assert channels == {"letter": 1, "sms": 4}


def test_dashboard_shows_the_section_in_each_readers_scope(fu_app, fu_db, gateway, tmp_path):
    _world_campaign(tmp_path)
    sending.send_due("sms")
    quality = fu_app.test_client()
    login(quality, "quality")
    page = quality.get("/dashboard/").get_data(as_text=True)
    assert "出院随访" in page and "十二月随访" in page and "心内科" in page and "骨科" in page
    head = fu_app.test_client()
    login(head, "card")
    page = head.get("/dashboard/").get_data(as_text=True)
    section = page[page.index('id="followup-title"'):]
    assert "心内科" in section and "骨科" not in section
    other = fu_app.test_client()
    login(other, "quality2")
    assert 'id="followup-title"' not in other.get("/dashboard/").get_data(as_text=True)


def test_the_demo_campaign_has_realistic_numbers(fu_app, fu_db):
    """The finished demo campaign: about 40% answer in cardiology, under 30% in orthopaedics (greyed), a few
    unknowns and opt-outs, no contact data; invited respondents compared with the QR ones."""
    from survey_web import banks
    from survey_web.campaigns.demo import ensure_campaign
    from survey_web.demo import ensure_organisation

    banks.sync_all()
    hospital = ensure_organisation()
    made = ensure_campaign(hospital)
    assert made > 150 and ensure_campaign(hospital) == 0
    (panel,) = rates.panel(None, None)
    wards = {row.label: row for row in panel.wards}
    card, orth = wards["心血管内科病区（5楼）"], wards["骨科病区（7楼）"]
    assert 0.3 < card.rate.value < 0.5 and not card.low_rate
    assert orth.rate.value < 0.3 and orth.low_rate
    assert 0 < panel.total.unknown < 10 and panel.total.opted_out > 0 and panel.total.answered == made
    assert panel.comparison.invited.n == made
    assert fu_db.session.scalar(select(Invitation.phone_encrypted).where(
        Invitation.phone_encrypted.is_not(None))) is None
