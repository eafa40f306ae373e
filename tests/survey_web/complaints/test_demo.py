"""`flask demo` gives the demo hospital realistic complaints in every state; a second run adds none."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from survey_web.complaints import watch
from survey_web.extensions import db as _db
from survey_web.models import ComplaintCase, HotlineOrder


def test_demo_complaints_cover_channels_states_and_deadlines(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--days", "3", "--per-day", "5"])
    assert first.exit_code == 0, first.output + repr(first.exception)
    assert "20 new complaint cases" in first.output and "complaints" in first.output
    found = _db.session.scalars(select(ComplaintCase)).all()
    assert len({c.channel for c in found}) >= 7
    assert Counter(c.status for c in found).keys() == {"open", "replied", "closed"}
    assert all(c.classify_status == "done" for c in found)
    states = {watch.urgency(c) for c in found if c.status == "open"}
    assert watch.Urgency.ESCALATE in states and watch.Urgency.NONE in states
    assert any(c.serious for c in found) and any(c.owner and c.owner.role == "dept_head" for c in found)
    assert sum(1 for c in found if c.status == "closed" and c.satisfaction) >= 8
    again = runner.invoke(args=["demo", "--days", "3", "--per-day", "5"])
    assert "0 new complaint cases" in again.output and "0 new hotline work orders" in again.output
    imported = ComplaintCase.id.in_(select(HotlineOrder.case_id))  # the demo's work orders (hotline/demo.py)
    assert _db.session.scalar(select(func.count(ComplaintCase.id)).where(~imported)) == 20
