"""The urgent inbox: late ones highlighted, acknowledge, 回访, outcome; contact revealed only on purpose."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, UrgentAlert, utcnow

from .world import add_response, csrf_of, login, make_world


@pytest.fixture
def world(app, db):
    w = make_world()
    w.old = add_response(w.card_point, utcnow() - timedelta(hours=10), comment="病房里有人偷手机",
                         themes={"safety": "neg"}, urgent="theft", contact="13812345678")
    w.fresh = add_response(w.card_point, utcnow() - timedelta(minutes=20), comment="护士差点打错针",
                           themes={"safety": "neg"}, urgent="safety")
    return w


def alert_of(response) -> UrgentAlert:
    return _db.session.scalar(select(UrgentAlert).where(UrgentAlert.comment_id == response.comment.id))


def test_unacknowledged_alerts_past_the_limit_are_highlighted(app, world):
    """With URGENT_ACK_HOURS=4 the 10-hour-old alert is highlighted, the 20-minute-old one is not."""
    app.config["URGENT_ACK_HOURS"] = 4
    client = app.test_client()
    login(client, "quality")
    page = client.get("/office/urgent").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tr>")
    late = [row for row in rows if 'class="late"' in row]
    assert len(late) == 1 and "偷手机" in late[0] and "超时未确认" in late[0]
    assert "超过 4 小时未确认" in page
    overview = client.get("/office/").get_data(as_text=True)
    assert "1 条超时未确认" in overview
    app.config["URGENT_ACK_HOURS"] = 12
    page = client.get("/office/urgent").get_data(as_text=True)
    assert 'class="late"' not in page


def _post(client, url: str, page: str, **data):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **data})


def test_acknowledge_follow_up_and_close_are_recorded_and_audited(app, world):
    """Acknowledge, record the 回访 (appended, with who and when), then close with an outcome; all audited."""
    alert = alert_of(world.old)
    page = f"/office/urgent/{alert.id}"
    client = app.test_client()
    login(client, "card")
    assert _post(client, f"{page}/ack", page).status_code == 302
    assert _post(client, f"{page}/ack", page).status_code == 302, "a second click records nothing new"
    early = _post(client, f"{page}/close", page, outcome="已处理")
    assert early.status_code == 400 and "请先记录对患者的回访" in early.get_data(as_text=True)
    assert _post(client, f"{page}/followup", page, followup_note="已电话联系患者，保卫科调取监控").status_code == 302
    assert _post(client, f"{page}/followup", page, followup_note="手机已找回").status_code == 302
    assert _post(client, f"{page}/close", page, outcome="手机找回，患者满意").status_code == 302
    _db.session.refresh(alert)
    assert alert.acknowledged_by == world.users["card"].id and alert.closed_at is not None
    assert alert.followup_note.count("card主任") == 2 and alert.followup_note.endswith("手机已找回")
    assert alert.outcome == "手机找回，患者满意"
    actions = _db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "urgent_alert")
                                  .order_by(AuditEvent.id)).all()
    assert actions == ["acknowledge", "followup", "followup", "close"]
    assert _post(client, f"{page}/followup", page, followup_note="再补充").status_code == 409
    closed_tab = client.get("/office/urgent?tab=closed").get_data(as_text=True)
    assert "偷手机" in closed_tab and "偷手机" not in client.get("/office/urgent").get_data(as_text=True)


def test_false_alarm_closes_without_a_follow_up_and_exports_as_not_urgent(app, world):
    """'Not urgent' needs a reason, closes the alert at once (acknowledging it), is audited, leaves the
    model's flag alone, and makes `flask export-labels` say urgent: false once the comment is reviewed."""
    alert = alert_of(world.fresh)
    page = f"/office/urgent/{alert.id}"
    client = app.test_client()
    login(client, "quality")
    assert "按误报关闭" in client.get(page).get_data(as_text=True)
    empty = _post(client, f"{page}/dismiss", page, reason="   ")
    assert empty.status_code == 400 and "<details class=\"dismiss\" open>" in empty.get_data(as_text=True)
    assert _post(client, f"{page}/dismiss", page, reason="护士及时发现并核对，未造成伤害").status_code == 302
    _db.session.refresh(alert)
    assert alert.false_alarm and alert.closed_at and alert.acknowledged_by == world.users["quality"].id
    assert alert.outcome == "护士及时发现并核对，未造成伤害" and alert.comment.urgent, "the model's flag is kept"
    actions = _db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "urgent_alert")
                                  .order_by(AuditEvent.id)).all()
    assert actions == ["acknowledge", "dismiss"]
    assert _post(client, f"{page}/dismiss", page, reason="再来一次").status_code == 409
    assert "误报（不属紧急）" in client.get("/office/urgent?tab=closed").get_data(as_text=True)
    text = "护士差点打错针"
    assert text not in client.get("/office/comments?urgent=yes").get_data(as_text=True)
    assert text in client.get("/office/comments?urgent=no").get_data(as_text=True)
    assert "偷手机" in client.get("/office/comments?urgent=yes").get_data(as_text=True), "the other stays urgent"
    comment_page = f"/office/comments/{alert.comment_id}"
    client.post(f"{comment_page}/themes", data={"csrf_token": csrf_of(client, comment_page),
                                                "theme_safety": "pos", "note": ""})
    out = app.test_cli_runner().invoke(args=["export-labels"]).output
    line = json.loads(out.splitlines()[0])
    assert line["urgent"] is False and line["urgent_reason"] is None and line["themes"] == {"safety": "pos"}


def test_contact_is_masked_until_revealed_and_each_viewing_is_audited(app, world):
    """The alert shows 138****5678; the full number appears only after a POST, which is audited."""
    alert = alert_of(world.old)
    page = f"/office/urgent/{alert.id}"
    client = app.test_client()
    login(client, "quality")
    shown = client.get(page).get_data(as_text=True)
    assert "138****5678" in shown and "13812345678" not in shown
    reply = _post(client, f"{page}/contact", page)
    assert reply.status_code == 200 and "13812345678" in reply.get_data(as_text=True)
    assert reply.headers["Cache-Control"] == "no-store"
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "view_contact"))
    assert event.entity_id == alert.id and event.user_id == world.users["quality"].id
    no_contact = alert_of(world.fresh)
    other = f"/office/urgent/{no_contact.id}"
    assert _post(client, f"{other}/contact", other).status_code == 404
