"""problem_evidence: what the monthly problem list reads from complaints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_web.complaints.classify import set_staff_themes
from survey_web.complaints.evidence import problem_evidence
from survey_web.extensions import db as _db
from survey_web.models.complaints import CaseKind

from .world import add_case, complaint_world


@pytest.fixture
def world(app, db):
    return complaint_world()


def test_one_entry_per_theme_and_department_de_identified_serious_flagged(world):
    """A two-department complaint with two negative themes gives four entries; names and phones are masked."""
    case = add_case(world, world.card, world.orth, text="我是张三，电话13812345678，护士态度差，还多收费",
                    received_at=datetime(2026, 11, 3, 2, 0, tzinfo=UTC), serious=True)
    set_staff_themes(case, {"attitude": "neg", "billing": "neg", "environment": "pos"})
    _db.session.commit()
    entries = problem_evidence(world.h1.id, "2026-11")
    assert {(e["theme"], e["department_id"]) for e in entries} == {
        ("attitude", world.card.id), ("attitude", world.orth.id), ("billing", world.card.id), ("billing", world.orth.id)}
    first = entries[0]
    assert first["kind"] == "complaint" and first["ref_id"] == case.id and first["serious"] is True
    assert "13812345678" not in first["text"] and "张三" not in first["text"] and "护士态度差" in first["text"]
    assert first["at"] == datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


def test_month_bounds_follow_the_hospital_day_and_revisit_cases_are_left_out(world):
    """31 Oct 23:30 Beijing time belongs to October; a 回访 case is survey evidence, not a complaint; an
    unthemed complaint still gives one entry with theme None."""
    october = add_case(world, world.card, received_at=datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    add_case(world, world.card, kind=CaseKind.REVISIT, received_at=datetime(2026, 10, 20, 2, 0, tzinfo=UTC))
    assert [e["ref_id"] for e in problem_evidence(world.h1.id, "2026-10")] == [october.id]
    assert problem_evidence(world.h1.id, "2026-11") == []
    only = problem_evidence(world.h1.id, "2026-10")[0]
    assert only["theme"] is None and only["serious"] is False
    assert problem_evidence(world.h2.id, "2026-10") == []
