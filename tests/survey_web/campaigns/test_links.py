"""The invitation link: the ward's discharge survey, answered once and stored like any response (with the
campaign and channel, never the invitation); then a friendly "already answered"; and the 退订 page."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from survey_web.models import Invitation, Message, OptOut, Response

from ...conftest import hidden_fields
from .conftest import imported, patients

ANSWERS = {"role": "patient", "q_doctor_communication": "5", "q_nurse_communication": "4", "q_overall": "4",
           "q_comment": "出院指导讲得很清楚，护士很耐心"}


def _invitation(db) -> Invitation:
    return db.session.scalars(select(Invitation).order_by(Invitation.id)).first()


def test_answering_an_invitation_stores_a_response_without_the_invitation(campaign, fu_app, fu_db, tmp_path,
                                                                          caplog):
    imported(campaign, tmp_path, patients(2))
    invitation = _invitation(fu_db)
    phone = fu_app.test_client()
    page = phone.get(f"/f/{invitation.token}")
    assert page.status_code == 200 and "出院患者随访调查" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    fu_db.session.expire_all()
    assert _invitation(fu_db).opened_at is not None and _invitation(fu_db).answered_at is None
    with caplog.at_level(logging.DEBUG):
        done = phone.post(f"/f/{invitation.token}", data={**hidden_fields(page.get_data(as_text=True)), **ANSWERS})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/f/{invitation.token}/thanks")
    assert "回执码" in phone.get(done.headers["Location"]).get_data(as_text=True)
    fu_db.session.expire_all()
    response = fu_db.session.scalars(select(Response)).one()
    assert (response.campaign_id, response.channel, response.point_id) == (campaign.id, "sms", invitation.point_id)
    assert response.device_hash is None and response.contact_encrypted is None
    assert _invitation(fu_db).answered_at is not None
    # Nothing in the response row points back at the patient's invitation: no column holds its id or token.
    assert invitation.token not in str(list(fu_db.session.execute(select(Response.__table__)).one()))
    # Not sent yet when answered (e.g. from a letter's code handed over early): its message is not needed now.
    assert fu_db.session.scalar(select(Message.state).where(Message.invitation_id == invitation.id)) == "skipped"
    assert "出院指导" not in caplog.text and invitation.token not in caplog.text


def test_the_same_link_again_says_already_answered(campaign, fu_app, fu_db, tmp_path):
    """Opened again after answering (even from another phone): a friendly page, not a second survey."""
    imported(campaign, tmp_path, patients(1))
    token = _invitation(fu_db).token
    phone = fu_app.test_client()
    page = phone.get(f"/f/{token}")
    stale = hidden_fields(page.get_data(as_text=True))
    assert phone.post(f"/f/{token}", data={**stale, **ANSWERS}).status_code == 302
    again = fu_app.test_client().get(f"/f/{token}")
    assert again.status_code == 200 and "已经填写" in again.get_data(as_text=True)
    # The same form sent again (a double tap, a resend after a lost answer): thanks, nothing stored twice.
    assert phone.post(f"/f/{token}", data={**stale, **ANSWERS}).status_code == 302
    assert fu_db.session.scalar(select(func.count(Response.id))) == 1


def test_two_forms_of_one_invitation_store_one_response(campaign, fu_app, fu_db, tmp_path):
    imported(campaign, tmp_path, patients(1))
    token = _invitation(fu_db).token
    first, second = fu_app.test_client(), fu_app.test_client()
    forms = [hidden_fields(c.get(f"/f/{token}").get_data(as_text=True)) for c in (first, second)]
    assert first.post(f"/f/{token}", data={**forms[0], **ANSWERS}).status_code == 302
    late = second.post(f"/f/{token}", data={**forms[1], **ANSWERS})
    assert late.status_code == 409 and "已经填写" in late.get_data(as_text=True)
    assert fu_db.session.scalar(select(func.count(Response.id))) == 1


def test_an_answered_invitation_refuses_a_switch_but_a_bad_token_gets_its_answers_back(campaign, fu_app, fu_db,
                                                                                      tmp_path):
    """The order of the checks (guard.screen): a token that does not fit comes first (400, the answers kept),
    then "already answered" (409), before a language switch would redraw the page."""
    imported(campaign, tmp_path, patients(1))
    token = _invitation(fu_db).token
    first, second = fu_app.test_client(), fu_app.test_client()
    forms = [hidden_fields(c.get(f"/f/{token}").get_data(as_text=True)) for c in (first, second)]
    assert first.post(f"/f/{token}", data={**forms[0], **ANSWERS}).status_code == 302
    assert second.post(f"/f/{token}", data={**forms[1], **ANSWERS, "switch": "1"}).status_code == 409
    altered = {**forms[1], "form_token": forms[1]["form_token"] + "x"}
    page = second.post(f"/f/{token}", data={**altered, **ANSWERS, "switch": "1"})
    assert page.status_code == 400 and "出院指导讲得很清楚" in page.get_data(as_text=True)


def test_a_bad_answer_keeps_what_was_entered(campaign, fu_app, fu_db, tmp_path):
    imported(campaign, tmp_path, patients(1))
    token = _invitation(fu_db).token
    phone = fu_app.test_client()
    form = hidden_fields(phone.get(f"/f/{token}").get_data(as_text=True))
    bad = phone.post(f"/f/{token}", data={**form, **ANSWERS, "q_overall": "9"})
    assert bad.status_code == 422 and "出院指导讲得很清楚" in bad.get_data(as_text=True)
    fu_db.session.expire_all()
    assert _invitation(fu_db).answered_at is None


def test_unknown_links_are_a_friendly_404(fu_app, hospital):
    client = fu_app.test_client()
    assert client.get("/f/not-a-token-at-all-xyz").status_code == 404
    assert client.get("/f/<script>").status_code == 404


def test_opening_the_unsubscribe_link_asks_and_the_button_unsubscribes(campaign, fu_app, fu_db, tmp_path):
    """A link preview that GETs the 退订 URL unsubscribes no one; the button does, at once and for good."""
    imported(campaign, tmp_path, patients(1))
    token = _invitation(fu_db).token
    phone = fu_app.test_client()
    page = phone.get(f"/f/{token}/stop")
    assert page.status_code == 200 and "退订" in page.get_data(as_text=True)
    fu_db.session.expire_all()
    assert _invitation(fu_db).opted_out_at is None
    assert phone.post(f"/f/{token}/stop", data={}).status_code == 200  # no CSRF token: nothing happens
    fu_db.session.expire_all()
    assert _invitation(fu_db).opted_out_at is None
    done = phone.post(f"/f/{token}/stop", data=hidden_fields(page.get_data(as_text=True)))
    assert "不会再" in done.get_data(as_text=True)
    fu_db.session.expire_all()
    assert _invitation(fu_db).opted_out_at is not None
    assert fu_db.session.scalar(select(Message.state)) == "skipped"
    assert fu_db.session.scalar(select(func.count()).select_from(OptOut)) == 1
    assert "不会再" in fu_app.test_client().get(f"/f/{token}").get_data(as_text=True)
