"""Hotline orders as problem-list evidence: kind "hotline", de-identified, counted once (not also as complaints)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from survey_web.complaints import cases
from survey_web.complaints.classify import set_staff_themes
from survey_web.complaints.evidence import problem_evidence as complaint_evidence
from survey_web.complaints.hotline import formats, samples
from survey_web.complaints.hotline.evidence import problem_evidence
from survey_web.complaints.hotline.importing import import_file
from survey_web.models import HotlineOrder

from ...world import make_world
from .files import good

FMT = formats.get("12345")


@pytest.fixture
def world(app, db):
    return make_world()


def test_orders_of_the_month_are_hotline_evidence_once(world, db):
    """Each order of November: its negative themes and department, the phone masked; December's left out;
    complaints.evidence does not list the same cases again."""
    records = good(count=3)
    records[0].update(called_at="2026-11-20 10:00:00", due_at="2026-11-27", department="心内科",
                      text="市民反映在心内科排队三小时，请回电13812345678")
    records[1].update(called_at="2026-11-30 23:30:00", due_at="2026-12-07", department="")  # 11-30 23:30 in Beijing: November
    records[2].update(called_at="2026-12-01 08:00:00", due_at="2026-12-08 17:30:00")
    import_file(world.h1, samples.to_csv(FMT, records), "a.csv", now=datetime(2026, 12, 5, tzinfo=UTC))
    first = db.session.scalar(select(HotlineOrder).where(HotlineOrder.order_no == records[0]["order_no"])).case
    set_staff_themes(first, {"waiting": "neg", "attitude": "neg", "nursing": "pos"})
    first.serious = True
    db.session.commit()
    evidence = problem_evidence(world.h1.id, "2026-11")
    assert [(e["theme"], e["department_id"]) for e in evidence] == [
        ("attitude", world.card.id), ("waiting", world.card.id), (None, None)]
    entry = evidence[0]
    assert set(entry) >= {"kind", "ref_id", "theme", "department_id", "text", "at", "serious"}
    assert (entry["kind"], entry["ref_id"], entry["serious"]) == ("hotline", first.id, True)
    assert "13812345678" not in entry["text"] and "排队三小时" in entry["text"]
    assert entry["at"] == datetime(2026, 11, 20, 2, tzinfo=UTC)
    assert [e["order_no"] for e in problem_evidence(world.h1.id, "2026-12")] == [records[2]["order_no"]]
    assert complaint_evidence(world.h1.id, "2026-11") == [], "imported orders are not counted twice"
    by_hand = cases.open_case(hospital_id=world.h1.id, channel="12345", text="市民来电转述：停车难", received_by=None,
                              received_at=datetime(2026, 11, 12, 2, tzinfo=UTC))
    db.session.commit()
    assert [e["ref_id"] for e in complaint_evidence(world.h1.id, "2026-11")] == [by_hand.id], \
        "a 12345 complaint registered by hand, without a work order, stays a complaint"
