"""Specific problems in the monthly list: groups of comments with titles, places, trends, sources,
suggested measures; the office's merge and split remembered next month; 销号 checked per problem."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models.problems import ClusterDecision, ProblemCluster, ProblemItem, ProblemItemSource
from survey_web.problems.evidence import Evidence
from survey_web.problems.followup import figures_after
from survey_web.problems.generate import generate_hospital

from .world import add_response, at, csrf_of, login, make_world

HOT_WATER = ["病房晚上没有热水，洗不了澡", "五楼病房夜里热水就停了", "晚上十点以后就没热水了，电话13812345678",
             "病区热水时有时无，晚上根本没有", "夜间没有热水，家属没法洗漱", "热水供应太差了，晚上想洗澡都没有热水"]
MACHINES = ["自助机老是故障，也没人指导", "门诊自助机坏了好几台，没有人帮忙", "自助挂号机经常黑屏，旁边没工作人员",
            "自助机不会用，找不到人问", "自助缴费机故障多，排了半天"]
LIFT = ["电梯太少了等半天", "住院部电梯等了二十分钟", "电梯总是满的，等电梯要很久", "病房电梯坏了一台，等了好久"]


@pytest.fixture
def world(app, db):
    return make_world()


def seed(w, month: str, hot: int = 6, machines: int = 5, lift: int = 0, other: int = 20) -> None:
    """A month of facilities complaints: hot water in CARD, self-service machines in ORTH, a lift."""
    for i in range(hot):
        add_response(w.card_point, at(month), comment=HOT_WATER[i % len(HOT_WATER)], themes={"facilities": "neg"},
                     commit=False)
    for i in range(machines):
        add_response(w.orth_point, at(month), comment=MACHINES[i % len(MACHINES)], themes={"facilities": "neg"},
                     commit=False)
    for i in range(lift):
        add_response(w.orth_point, at(month), comment=LIFT[i % len(LIFT)], themes={"facilities": "neg"}, commit=False)
    for _ in range(other):
        add_response(w.card_point, at(month), scores={"overall": 5}, commit=False)
    _db.session.commit()


def specifics(problem_list) -> dict[str, ProblemItem]:
    """The list's specific problems by the main word of their title."""
    found = {}
    for item in problem_list.items:
        if item.source == "cluster":
            title = item.evidence["title"]
            word = next((w for w in ("热水", "自助", "电梯") if w in title), title)
            found[word] = item
    return found


def test_draft_items_are_specific_problems_with_places_quotes_and_suggested_measures(world):
    """Each group is a draft under its theme: own-words title, count, places, trend, de-identified quotes,
    linked comments, a 【建议】 measure citing its source; the department list counts its own share."""
    seed(world, "2025-10")
    (hospital, _), *departments = generate_hospital(world.h1.id, "2025-10")
    found = specifics(hospital)
    assert set(found) == {"热水", "自助"}
    hot = found["热水"]
    assert hot.count == 6 and hot.key == f"cluster:facilities:{hot.cluster_id}" and hot.rank is None
    assert hot.evidence["trend"] == "new" and hot.department_id == world.card.id
    assert hot.evidence["departments"] == [[world.card.id, 6]]
    assert hot.problem.startswith("「") and "热水" in hot.problem and "新出现" in hot.problem
    quotes = [q["text"] for q in hot.evidence["quotes"]]
    assert 2 <= len(quotes) <= 3 and not any("13812345678" in q for q in quotes)
    assert hot.measure.startswith("【建议】") and "《" in hot.measure and "依据" in hot.measure
    links = _db.session.scalars(select(ProblemItemSource).where(ProblemItemSource.item_id == hot.id)).all()
    assert len(links) == 6 and {link.kind for link in links} == {"survey"}
    assert any(item.key == "theme:facilities" for item in hospital.items), "the theme line stays as the heading"
    card_list = next(pl for pl, _ in departments if pl.department_id == world.card.id)
    assert [i.cluster_id for i in specifics(card_list).values()] == [hot.cluster_id]
    stored = _db.session.scalars(select(ProblemCluster).where(ProblemCluster.month == "2025-10")).all()
    assert {row.cluster_id for row in stored} >= {hot.cluster_id, found["自助"].cluster_id}


def test_same_problem_keeps_its_identity_and_trend_next_month(world):
    """November's groups match October's ids: the closed hot-water problem is 'recurring', the machines
    rising, the lift new; a carried open item takes the month's figures instead of a duplicate draft."""
    seed(world, "2025-10", machines=3)
    october, _ = generate_hospital(world.h1.id, "2025-10")[0]
    before = specifics(october)
    before["热水"].status, before["热水"].closed_at = "closed", datetime(2025, 11, 3, tzinfo=UTC)
    before["自助"].status, before["自助"].measure = "open", "志愿者岗"
    _db.session.commit()
    seed(world, "2025-11", hot=4, machines=14, lift=4)
    november, _ = generate_hospital(world.h1.id, "2025-11")[0]
    after = specifics(november)
    assert after["热水"].cluster_id == before["热水"].cluster_id and after["热水"].evidence["trend"] == "recurring"
    assert after["电梯"].evidence["trend"] == "new"
    machines = after["自助"]
    assert machines.carried_from_id == before["自助"].id and machines.measure == "志愿者岗"
    assert machines.count == 14 and machines.evidence["trend"] == "rising" and machines.evidence["prev_count"] == 3
    assert [i.cluster_id for i in november.items].count(machines.cluster_id) == 1


def test_other_sources_join_the_clusters_and_a_serious_one_stands_alone(world):
    """Evidence from complaints and the hotline is clustered with the survey comments of its theme (counts
    per kind on the item); a serious complaint becomes an item of its own; other months' evidence is ignored."""
    seed(world, "2025-10")
    when = datetime(2025, 10, 20, 3, tzinfo=UTC)
    extra = [Evidence("complaint", 501, "facilities", world.card.id, "投诉：心内科病房晚上一直没有热水", when),
             Evidence("hotline", 77, "facilities", world.card.id, "12345工单：市民反映医院病房夜间无热水", when),
             Evidence("complaint", 502, "safety", world.orth.id, "家属投诉：病人坠床无人处理", when, serious=True),
             Evidence("complaint", 503, "facilities", None, "九月的投诉：热水没有", datetime(2025, 9, 2, tzinfo=UTC))]
    hospital, _ = generate_hospital(world.h1.id, "2025-10", extra_evidence=extra)[0]
    hot = specifics(hospital)["热水"]
    assert hot.count == 8 and hot.evidence["kinds"] == {"complaint": 1, "hotline": 1, "survey": 6}
    assert "投诉 1 条" in hot.problem and "热线工单 1 条" in hot.problem
    serious = [i for i in hospital.items if i.source == "evidence"]
    assert len(serious) == 1 and serious[0].key == "evidence:safety:complaint-502" and serious[0].count == 1
    kinds = {(s.kind, s.ref_id) for s in serious[0].sources}
    assert kinds == {("complaint", 502)}


def test_evidence_rejects_unknown_kinds_and_reads_plain_dicts():
    """The other packages hand over plain dicts; an unknown kind is an error, not a silent new source."""
    row = {"kind": "hotline", "ref_id": "9", "theme": "parking", "department_id": None, "text": "停车难",
           "at": datetime(2025, 10, 1, tzinfo=UTC), "extra": 1}
    assert Evidence.from_dict(row).ref_id == 9
    with pytest.raises(ValueError):
        Evidence.from_dict({**row, "kind": "weibo"})


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_of(client, page), **data})


def test_merge_and_split_in_the_review_screen_are_remembered_next_month(app, world):
    """Merging two groups and splitting comments out of one are stored decisions keyed by cluster id, and
    November's grouping follows them."""
    seed(world, "2025-10", lift=4)
    october, _ = generate_hospital(world.h1.id, "2025-10")[0]
    found = specifics(october)
    hot, machines, lift = found["热水"], found["自助"], found["电梯"]
    client = app.test_client()
    login(client, "quality")
    page = f"/office/problems/{october.id}"
    assert _post(client, f"{page}/merge", {"item": [machines.id, lift.id]}, page).status_code == 302
    _db.session.refresh(lift)
    assert lift.status == "merged" or machines.status == "merged"
    kept, gone = (machines, lift) if lift.status == "merged" else (lift, machines)
    decision = _db.session.scalar(select(ClusterDecision).where(ClusterDecision.kind == "merge"))
    assert (decision.cluster_id, decision.into) == (gone.cluster_id, kept.cluster_id)
    item_page = f"/office/items/{hot.id}"
    moved = [s for s in hot.sources if "十点" in s_text(s) or "家属" in s_text(s)]
    assert len(moved) == 2
    refused = _post(client, f"{item_page}/split-voices", {"problem": "夜间家属洗漱", "voice": []}, item_page)
    assert refused.status_code == 400
    split = _post(client, f"{item_page}/split-voices",
                  {"problem": "晚上十点后停热水", "voice": [f"survey:{s.ref_id}" for s in moved]}, item_page)
    assert split.status_code == 302
    _db.session.refresh(hot)
    assert hot.count == 4
    _db.session.refresh(october)
    part = next(i for i in october.items if i.evidence.get("split_from") == hot.id)
    assert part.count == 2 and part.cluster_id.startswith("s")
    seed(world, "2025-11", hot=9, machines=5, lift=4)
    november, _ = generate_hospital(world.h1.id, "2025-11")[0]
    ids = {i.cluster_id: i for i in november.items if i.source == "cluster"}
    assert gone.cluster_id not in ids and ids[kept.cluster_id].count == 9, "machines and lift stay one problem"
    assert part.cluster_id in ids and hot.cluster_id in ids, "the split-off problem is found again"
    assert (ids[part.cluster_id].count, ids[hot.cluster_id].count) == (3, 6)


def s_text(source: ProblemItemSource) -> str:
    from survey_web.models import Comment

    return _db.session.get(Comment, source.ref_id).text


def test_suggested_measure_is_never_accepted_as_decided(app, world):
    """立账 is refused while the measure still carries 【建议】; edited, it is accepted."""
    seed(world, "2025-10")
    hot = specifics(generate_hospital(world.h1.id, "2025-10")[0][0])["热水"]
    client = app.test_client()
    login(client, "quality")
    page = f"/office/items/{hot.id}"
    shown = client.get(page).get_data(as_text=True)
    assert "【建议】" in shown and "suggestion-note" in shown
    refused = _post(client, f"{page}/action", {"action": "accept"}, page)
    assert refused.status_code == 400 and "【建议】" in refused.get_data(as_text=True)
    measure = hot.measure.replace("【建议】", "")
    assert _post(client, f"{page}/edit", {"problem": hot.problem, "measure": measure, "owner_office": "后勤保障部",
                                          "deadline": "2025-11-30"}, page).status_code == 302
    assert _post(client, f"{page}/action", {"action": "accept"}, page).status_code == 302


def test_closing_is_checked_against_the_problem_after_its_deadline(world):
    """销号 verification per specific problem: its own voices in the month after the deadline."""
    seed(world, "2025-10")
    october, _ = generate_hospital(world.h1.id, "2025-10")[0]
    hot = specifics(october)["热水"]
    hot.status, hot.deadline = "closed", date(2025, 10, 31)
    _db.session.commit()
    assert figures_after(hot, october)["generated"] is False
    seed(world, "2025-11", hot=2, machines=5)
    generate_hospital(world.h1.id, "2025-11")
    figures = figures_after(hot, october)
    assert figures["kind"] == "cluster" and figures["month"] == "2025-11"
    assert (figures["count"], figures["before_count"], figures["fell"]) == (2, 6, True)


def test_the_monthly_job_takes_other_sources_as_plain_dicts(world):
    """The complaints and hotline packages hand plain dicts to the job, which converts and clusters them."""
    from survey_web.jobs.problems import generate_month_job
    from survey_web.models.problems import ProblemList

    seed(world, "2025-10")
    when = datetime(2025, 10, 20, 3, tzinfo=UTC)
    rows = [{"kind": "hotline", "ref_id": 31, "theme": "facilities", "department_id": world.card.id,
             "text": "12320 来电：病房晚上没有热水", "at": when, "serious": False}]
    assert generate_month_job(world.h1.id, "2025-10", evidence=rows).startswith("hospital:created")
    hospital = _db.session.scalar(select(ProblemList).where(ProblemList.scope_key == 0))
    assert specifics(hospital)["热水"].evidence["kinds"] == {"hotline": 1, "survey": 6}
