"""Due-soon and overdue cases on the 2026 calendar: highlighted, reminded once, escalated to the office head,
and the notices sent to the webhook without the complainant's words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from survey_web.complaints import cases, watch
from survey_web.complaints.deadlines import add_working_days
from survey_web.extensions import db as _db
from survey_web.jobs import wait_in_process
from survey_web.jobs.complaints import tick
from survey_web.models import CaseEvent, ComplaintCase, utcnow
from survey_web.timeutil import today

from .webhook import Hook
from .world import add_case, complaint_world, login

BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 on Wed 30 Sep 2026 in Beijing: due Tue 13 Oct


@pytest.fixture
def world(app, db):
    return complaint_world()


@pytest.fixture
def hook():
    server = Hook()
    yield server
    server.close()


def test_urgency_across_national_day_counts_working_days(app, world):
    """Due 13 Oct: on Fri 9 Oct three working days remain (Sat 10 Oct works); Mon 12 Oct is due soon;
    Wed 14 Oct overdue; Thu 15 Oct (two working days late) escalated."""
    case = add_case(world, world.card, received_at=BEFORE_NATIONAL_DAY)
    assert case.due_on == date(2026, 10, 13)
    assert watch.urgency(case, date(2026, 10, 9)) == watch.Urgency.NONE
    assert watch.urgency(case, date(2026, 10, 12)) == watch.Urgency.DUE_SOON
    assert watch.urgency(case, date(2026, 10, 14)) == watch.Urgency.OVERDUE
    assert watch.urgency(case, date(2026, 10, 15)) == watch.Urgency.ESCALATE
    cases.reply(case, "已反馈", by=world.users["tsb"])
    assert watch.urgency(case, date(2026, 10, 15)) == watch.Urgency.NONE  # the deadline measures the first reply


def test_case_opened_on_the_adjusted_saturday_is_due_the_next_friday(app, world):
    """Received on Sat 10 Oct 2026 (a 调休 working day): due Fri 16 Oct; a case of two departments Fri 23 Oct."""
    saturday = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)
    assert add_case(world, world.card, received_at=saturday).due_on == date(2026, 10, 16)
    assert add_case(world, world.card, world.orth, received_at=saturday).due_on == date(2026, 10, 23)


def test_reminders_and_the_escalation_are_recorded_once_and_name_the_office_head(app, world):
    """Two checks on the same day record one overdue reminder and one escalation, to COMPLAINTS_HEAD."""
    app.config["COMPLAINTS_HEAD"] = "tsb"
    case = add_case(world, world.card, received_at=BEFORE_NATIONAL_DAY, by="card")
    first = watch.check(day=date(2026, 10, 16))
    second = watch.check(day=date(2026, 10, 16))
    assert sorted(n.what for n in first) == ["escalation", "overdue"] and second == []
    events = _db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [e.kind for e in events] == ["received", "reminder", "escalation"]
    assert events[2].to_user_id == world.users["tsb"].id


def test_tick_sends_notices_to_the_webhook_without_the_complaint_text(app, world, hook):
    """The worker's tick: an overdue case is reminded and escalated; the webhook gets number, departments and
    deadline, never the words or the phone number; the list page shows the reminder and the red row."""
    app.config["URGENT_WEBHOOK_URL"] = hook.url
    case = add_case(world, world.card, received_at=utcnow() - timedelta(days=30))
    result = tick()
    wait_in_process(app)
    assert sorted(what for _id, what in result["notices"]) == ["escalation", "overdue"]
    assert sorted(b["notice"] for b in hook.bodies) == ["escalation", "overdue"]
    for body in hook.bodies:
        assert body["number"] == case.number and "心内科" in body["text"]
        assert case.text not in json_text(body) and "13812345678" not in json_text(body)
    tick()
    wait_in_process(app)
    assert len(hook.bodies) == 2, "a second tick sends nothing new"
    client = app.test_client()
    login(client, "tsb")
    page = client.get("/complaints/").get_data(as_text=True)
    row = next(r for r in page.split("<tbody>")[1].split("</tr>") if case.number in r)
    assert 'class="late"' in row and "超期" in row
    assert "提醒" in page


def test_a_due_soon_case_is_highlighted_amber(app, world):
    """A case due tomorrow (a working day) shows the due-soon badge."""
    case = add_case(world, world.card)
    case.due_on = _next_working_day()
    _db.session.commit()
    client = app.test_client()
    login(client, "tsb")
    page = client.get("/complaints/").get_data(as_text=True)
    row = next(r for r in page.split("<tbody>")[1].split("</tr>") if case.number in r)
    assert 'class="soon"' in row and "即将到期" in row


def _next_working_day() -> date:
    return add_working_days(today(), 1).due_on


def json_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def test_no_reminder_for_closed_or_replied_cases(app, world):
    """Only open cases are watched."""
    case = add_case(world, world.card, received_at=BEFORE_NATIONAL_DAY)
    cases.reply(case, "已反馈", by=world.users["tsb"])
    _db.session.commit()
    assert watch.check(day=date(2026, 10, 20)) == []
    assert _db.session.get(ComplaintCase, case.id).overdue_reminded_at is None
