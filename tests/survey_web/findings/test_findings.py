"""Findings from forums, supervisors and walk-throughs: the page, the scope, and the problem-list evidence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from survey_web.findings import records
from survey_web.findings.evidence import problem_evidence
from survey_web.models import AuditEvent, Finding

from ...conftest import hidden_fields
from ...world import login, make_world


@pytest.fixture
def world(app, db):
    return make_world()


def _form(client) -> dict:
    page = client.get("/office/findings")
    assert page.status_code == 200
    return {"csrf_token": hidden_fields(page.get_data(as_text=True))["csrf_token"]}


def test_office_records_a_finding_with_themes_and_department(client, world, db):
    """A walk-through finding is stored with its department, themes and author, audited and listed."""
    login(client, "quality")
    reply = client.post("/office/findings", data={
        **_form(client), "source": "walkthrough", "found_on": "2026-11-20", "department": str(world.card.id),
        "themes": ["wayfinding", "elderly"], "text": "门诊三楼到心内科病房的指示牌缺失，老人多次走错", "serious": "y"})
    assert reply.status_code == 302
    finding = db.session.scalar(select(Finding))
    assert (finding.source, finding.found_on, finding.department_id, finding.serious) == (
        "walkthrough", date(2026, 11, 20), world.card.id, True)
    assert finding.theme_codes == ["elderly", "wayfinding"]
    assert finding.recorded_by_id == world.users["quality"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "finding")).entity_id == finding.id
    page = client.get("/office/findings").get_data(as_text=True)
    assert "指示牌缺失" in page and "就医流程体验" in page


def test_bad_entry_is_shown_again_with_everything_kept(client, world, db):
    """A missing date and an unknown theme: 400, messages in Chinese, the text typed still in the form."""
    login(client, "quality")
    reply = client.post("/office/findings", data={
        **_form(client), "source": "forum", "found_on": "", "themes": ["nosuchtheme"],
        "text": "座谈会上家属反映食堂饭菜偏咸"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert "座谈会上家属反映食堂饭菜偏咸" in page and "请填写日期" in page
    assert db.session.scalar(select(Finding)) is None


def test_department_head_sees_only_their_department_and_cannot_enter(client, world, db):
    """心内科's head sees 心内科's findings, not 骨科's, and may not post one."""
    for department, text in ((world.card, "心内科走廊拥挤"), (world.orth, "骨科夜间噪音")):
        records.record(world.h1.id, records.NewFinding("supervisor", date(2026, 11, 3), department.id,
                                                       ("environment",), text))
    db.session.commit()
    login(client, "card")
    page = client.get("/office/findings").get_data(as_text=True)
    assert "心内科走廊拥挤" in page and "骨科夜间噪音" not in page
    assert "Record a finding" not in page and "记录一条发现" not in page
    assert client.post("/office/findings", data={"source": "forum"}).status_code in (400, 403)


def test_another_hospitals_department_is_refused(world, db):
    """A finding cannot name another hospital's department (the form offers only one's own)."""
    with pytest.raises(ValueError):
        records.record(world.h1.id, records.NewFinding("forum", date(2026, 11, 3), world.other.id, (), "x"))


def test_problem_evidence_is_one_deidentified_dict_per_theme(world, db):
    """Evidence: the month's findings only, one dict per theme, the caller's phone number masked."""
    records.record(world.h1.id, records.NewFinding(
        "deputies", date(2026, 11, 30), world.card.id, ("parking", "waiting"),
        "代表转达：患者家属13812345678反映停车排队一小时", serious=True))
    records.record(world.h1.id, records.NewFinding("forum", date(2026, 12, 1), None, (), "十二月的"))
    records.record(world.h2.id, records.NewFinding("forum", date(2026, 11, 5), None, ("food",), "另一家医院"))
    db.session.commit()
    evidence = problem_evidence(world.h1.id, "2026-11")
    assert [e["theme"] for e in evidence] == ["parking", "waiting"]
    first = evidence[0]
    assert set(first) == {"kind", "ref_id", "theme", "department_id", "text", "at", "serious"}
    assert (first["kind"], first["department_id"], first["serious"]) == ("finding", world.card.id, True)
    assert "13812345678" not in first["text"] and "停车排队" in first["text"]
    assert first["at"].date() == date(2026, 11, 30)
    december = problem_evidence(world.h1.id, "2026-12")
    assert [(e["theme"], e["text"]) for e in december] == [(None, "十二月的")]
