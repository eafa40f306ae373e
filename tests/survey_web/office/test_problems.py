"""The monthly problem list from the database: generation, idempotence, carry-over, the ledger over HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.jobs import problems as office_jobs
from survey_web.jobs.problems import remind_overdue, tick
from survey_web.models import AuditEvent
from survey_web.models.problems import ProblemItem, ProblemList, ProblemNote
from survey_web.problems.generate import generate_hospital, generate_list
from survey_web.timeutil import previous_month, today

from .world import add_response, at, csrf_of, login, make_world, seed_october


@pytest.fixture
def world(app, db):
    return make_world()


def items_by_key(problem_list: ProblemList) -> dict[str, ProblemItem]:
    return {item.key: item for item in problem_list.items}


def test_generation_drafts_ranked_items_with_evidence(world):
    """Hospital and department lists: themes ranked by mentions per 100 with last month, de-identified
    quotes (never from urgent comments), default owner and deadline, and a low question score."""
    seed_october(world)
    results = generate_hospital(world.h1.id, "2025-10")
    assert [(pl.department_id, outcome) for pl, outcome in results] == [
        (None, "created"), (world.card.id, "created"), (world.orth.id, "created")]
    hospital = items_by_key(results[0][0])
    parking, food = hospital["theme:parking"], hospital["theme:food"]
    assert (parking.count, parking.responses) == (16, 81), "15 plus the urgent one"
    assert parking.evidence["rate"] == pytest.approx(19.75) and parking.evidence["prev_count"] == 2
    assert parking.evidence["rising"] is True
    assert parking.department_id == world.card.id, "CARD has 13 of 16 mentions, over two thirds"
    assert parking.owner_office == "后勤保障部" and parking.deadline == date(2025, 11, 30)
    assert "每百份问卷 19.75 条" in parking.problem and "心内科 13 条" in parking.problem
    quotes = [q["text"] for q in parking.evidence["quotes"]]
    assert quotes and all("1381234" not in q for q in quotes) and not any("打人" in q for q in quotes)
    assert food.rank > parking.rank and food.department_id == world.card.id
    question = hospital[f"question:nurse_communication@{world.card.id}"]
    assert question.source == "question" and question.owner_office == "心内科"
    assert question.evidence["satisfaction"] == 30.0 and question.evidence["hospital_satisfaction"] == 65.0
    assert [i.rank for i in (question, parking, food)] == [1, 2, 3], "one scale: conservative points per 100"
    card_list = items_by_key(results[1][0])
    assert card_list["theme:parking"].count == 13 and card_list["theme:parking"].responses == 41


def test_generation_is_idempotent_and_refresh_keeps_decisions(world):
    """A second run changes nothing; a refresh updates untouched drafts and never the office's work."""
    seed_october(world)
    first, outcome = generate_list(world.h1.id, "2025-10")
    ids = sorted(i.id for i in first.items)
    again, outcome2 = generate_list(world.h1.id, "2025-10")
    assert (outcome, outcome2) == ("created", "exists") and again.id == first.id
    assert sorted(i.id for i in again.items) == ids
    items = items_by_key(first)
    items["theme:parking"].status, items["theme:parking"].measure = "open", "增设临时停车位"
    items["theme:food"].problem, items["theme:food"].edited_at = "膳食温度问题（已改写）", items["theme:food"].created_at
    _db.session.commit()
    for _ in range(6):
        add_response(world.card_point, at("2025-10"), comment="饭菜凉", themes={"food": "neg"})
    refreshed, outcome3 = generate_list(world.h1.id, "2025-10", refresh=True)
    items = items_by_key(refreshed)
    assert outcome3 == "refreshed"
    assert items["theme:parking"].status == "open" and items["theme:parking"].measure == "增设临时停车位"
    assert items["theme:food"].count == 11 and items["theme:food"].problem == "膳食温度问题（已改写）"
    assert _db.session.scalar(select(func.count(ProblemList.id))) == 1


def test_open_items_carry_over_into_next_month(world):
    """Open items continue in November's list with their four 明确; closed ones do not; the same theme
    reported again adds its figures to the carried item instead of a duplicate draft."""
    seed_october(world)
    october, _ = generate_list(world.h1.id, "2025-10")
    items = items_by_key(october)
    parking, food = items["theme:parking"], items["theme:food"]
    parking.status, parking.measure, parking.owner_person = "in_progress", "错峰停车", "李科长"
    food.status, food.closed_at = "closed", food.created_at
    _db.session.commit()
    for _ in range(5):
        add_response(world.orth_point, at("2025-11"), comment="还是没地方停车", themes={"parking": "neg"})
    november, _ = generate_list(world.h1.id, "2025-11")
    _db.session.refresh(parking)
    carried = [i for i in november.items if i.carried_from_id is not None]
    assert [c.carried_from_id for c in carried] == [parking.id] and parking.status == "carried"
    copy = carried[0]
    assert (copy.status, copy.measure, copy.owner_person, copy.origin_month) == ("in_progress", "错峰停车", "李科长",
                                                                                 "2025-10")
    assert copy.count == 5 and copy.evidence["month"] == "2025-11"
    assert [i.key for i in november.items].count("theme:parking") == 1
    assert all(i.carried_from_id != food.id for i in november.items)


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **data})


def test_ledger_flow_over_http(app, world):
    """Edit the four 明确, 立账 only when complete, 督办, 销号 with evidence, reopen with a reason; audited."""
    seed_october(world)
    october, _ = generate_list(world.h1.id, "2025-10")
    item = items_by_key(october)["theme:parking"]
    client = app.test_client()
    login(client, "quality")
    page = f"/office/items/{item.id}"
    refused = _post(client, f"{page}/action", {"action": "accept"}, page)
    assert refused.status_code == 400 and "整改措施" in refused.get_data(as_text=True)
    edited = _post(client, f"{page}/edit", {"problem": "停车难", "measure": "开放职工停车场", "owner_office": "后勤保障部",
                                            "owner_person": "王科长", "deadline": "2025-11-30"}, page)
    assert edited.status_code == 302
    for action in ("accept", "start"):
        assert _post(client, f"{page}/action", {"action": action}, page).status_code == 302
    no_evidence = _post(client, f"{page}/action", {"action": "close", "measure_taken": "已开放"}, page)
    assert no_evidence.status_code == 400 and "佐证材料" in no_evidence.get_data(as_text=True)
    closed = _post(client, f"{page}/action", {"action": "close", "measure_taken": "开放职工停车场 60 个车位",
                                              "closure_evidence": "现场照片，11 月投诉下降"}, page)
    assert closed.status_code == 302
    _db.session.refresh(item)
    assert item.status == "closed" and item.closed_at and item.measure_taken.startswith("开放职工")
    assert _post(client, f"{page}/action", {"action": "reopen"}, page).status_code == 400
    assert _post(client, f"{page}/action", {"action": "reopen", "reason": "12 月仍有反映"}, page).status_code == 302
    _db.session.refresh(item)
    assert item.status == "in_progress" and item.reopened_count == 1
    events = _db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "problem_item",
                                                          AuditEvent.entity_id == item.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["edit", "accept", "start", "close", "reopen"]
    assert events[0].before["measure"] is None and events[0].after["measure"] == "开放职工停车场"
    assert events[-1].after["reason"] == "12 月仍有反映"
    history = client.get(page).get_data(as_text=True)
    assert "12 月仍有反映" in history and "重新督办" not in history.split("台账操作")[0]


def test_closed_item_shows_next_months_figures(app, world):
    """A closed item shows the following month's mentions per 100 beside it."""
    seed_october(world)
    october, _ = generate_list(world.h1.id, "2025-10")
    item = items_by_key(october)["theme:parking"]
    item.status, item.measure_taken, item.closure_evidence = "closed", "措施", "佐证"
    item.closed_at = item.created_at
    _db.session.commit()
    for i in range(10):
        add_response(world.card_point, at("2025-11"), comment="停车还行" if i else "停车难",
                     themes={"parking": "pos" if i else "neg"})
    client = app.test_client()
    login(client, "quality")
    page = client.get(f"/office/problems/{october.id}").get_data(as_text=True)
    assert "2025-11：1 条，每百份 10.0 条（整改前：19.75）" in page


def test_merge_and_split_drafts(app, world):
    """Merging drafts adds up their mentions; splitting moves mentions to a new draft; both audited."""
    seed_october(world)
    october, _ = generate_list(world.h1.id, "2025-10")
    items = items_by_key(october)
    parking, food = items["theme:parking"], items["theme:food"]
    client = app.test_client()
    login(client, "quality")
    page = f"/office/problems/{october.id}"
    reply = _post(client, f"{page}/merge", {"item": [str(parking.id), str(food.id)]}, page)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/office/items/{parking.id}")
    _db.session.refresh(parking)
    _db.session.refresh(food)
    assert parking.count == 21 and food.status == "merged" and food.merged_into_id == parking.id
    split = _post(client, f"/office/items/{parking.id}/split", {"problem": "膳食温度", "count": "5"},
                  f"/office/items/{parking.id}")
    assert split.status_code == 302
    part = _db.session.scalar(select(ProblemItem).where(ProblemItem.problem == "膳食温度"))
    _db.session.refresh(parking)
    assert (part.count, parking.count, part.status) == (5, 16, "draft")
    too_many = _post(client, f"/office/items/{parking.id}/split", {"problem": "x", "count": "99"},
                     f"/office/items/{parking.id}")
    assert too_many.status_code == 400
    actions = set(_db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "problem_item")))
    assert {"merge", "split"} <= actions


def test_overdue_items_are_highlighted_and_reminded_once(app, world):
    """Past the deadline: highlighted on the list and the department head's overview; one reminder a week."""
    seed_october(world)
    october, _ = generate_list(world.h1.id, "2025-10", world.card.id)
    item = items_by_key(october)["theme:parking"]
    item.status, item.measure, item.deadline = "in_progress", "措施", today() - timedelta(days=3)
    _db.session.commit()
    assert remind_overdue() == 1 and remind_overdue() == 0
    note = _db.session.scalar(select(ProblemNote))
    assert note.kind == "reminder" and "已超过整改时限 3 天" in note.text
    client = app.test_client()
    login(client, "card")
    overview = client.get("/office/").get_data(as_text=True)
    assert "1 项整改已超过时限" in overview
    listing = client.get(f"/office/problems/{october.id}").get_data(as_text=True)
    assert 'class="late"' in listing and "已超期" in listing


def test_tick_generates_last_month_once(app, world, monkeypatch):
    """The schedule's tick enqueues last month's lists for hospitals that lack one, and only once."""
    month = previous_month()
    add_response(world.card_point, at(month), comment="停车难", themes={"parking": "neg"})
    first = tick()
    from survey_web.jobs import wait_in_process

    wait_in_process(app)
    assert first["enqueued"] == [world.h1.id, world.h2.id]
    assert _db.session.scalar(select(func.count(ProblemList.id)).where(ProblemList.scope_key == 0)) == 2
    calls = []
    monkeypatch.setattr(office_jobs, "enqueue_generation", lambda *a, **k: calls.append(a) or True)
    assert tick()["enqueued"] == [] and calls == []


def test_publish_summary_and_department_head_reads_it(app, world):
    """The quality office publishes the month's summary; the department head reads it, cannot edit it."""
    seed_october(world)
    card_list, _ = generate_list(world.h1.id, "2025-10", world.card.id)
    client = app.test_client()
    login(client, "quality")
    page = f"/office/problems/{card_list.id}"
    draft = client.get(page).get_data(as_text=True)
    assert "2025年10月，心内科共收到有效问卷 41 份" in draft
    assert _post(client, f"{page}/summary", {"summary": "本月整改通报：停车问题已立账。", "publish": "1"},
                 page).status_code == 302
    _db.session.refresh(card_list)
    assert card_list.published_at is not None
    head = app.test_client()
    login(head, "card")
    seen = head.get(page).get_data(as_text=True)
    assert "本月整改通报：停车问题已立账。" in seen and 'name="summary"' not in seen


def test_generate_from_the_page(app, world):
    """The quality office generates a month's lists from the page and lands on the hospital list."""
    seed_october(world)
    client = app.test_client()
    login(client, "quality")
    reply = _post(client, "/office/problems/generate", {"month": "2025-10", "hospital": str(world.h1.id)},
                  "/office/problems")
    made = _db.session.scalar(select(ProblemList).where(ProblemList.scope_key == 0))
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/office/problems/{made.id}")
    assert _db.session.scalar(select(func.count(ProblemList.id))) == 3
    foreign = _post(client, "/office/problems/generate", {"month": "2025-10", "hospital": str(world.h2.id)},
                    "/office/problems")
    assert foreign.status_code == 404 and _db.session.scalar(select(func.count(ProblemList.id))) == 3
