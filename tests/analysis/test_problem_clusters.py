"""Specific problems of a month from plain data: identity, trends, the office's decisions, measures."""

from __future__ import annotations

import pytest

from analysis.cluster import signature_of
from analysis.ledger import TransitionError, next_status
from analysis.measures import catalogue, draft_measure, suggest
from analysis.problem_clusters import Decision, Known, Voice, month_groups

HOT = ["病房晚上没有热水，洗不了澡", "五楼病房夜里热水就停了", "晚上十点以后就没热水了", "病区热水时有时无，晚上根本没有",
       "夜间没有热水，家属没法洗漱", "热水供应太差了，晚上想洗澡都没有热水"]
MACHINES = ["自助机老是故障，也没人指导", "门诊自助机坏了好几台，没有人帮忙", "自助挂号机经常黑屏，旁边没工作人员",
            "自助机不会用，找不到人问", "自助缴费机故障多，排了半天"]


def voices(texts, start=0, theme="facilities", department=1):
    return [Voice("survey", start + i, theme, t, department, "护士站") for i, t in enumerate(texts)]


def by_word(groups):
    return {("热水" if "热水" in g.title else "自助"): g for g in groups}


def test_groups_carry_places_and_keep_last_months_ids():
    """A group keeps the id of last month's most similar problem; unmatched groups are new."""
    first = by_word(month_groups(voices(HOT) + voices(MACHINES, 100, department=2)))
    assert first["热水"].count == 6 and first["热水"].departments() == [(1, 6)] and first["热水"].trend == "new"
    known = [Known("facilities", "hot-1", first["热水"].signature, "夜间无热水", prev_count=6)]
    second = by_word(month_groups(voices(HOT[:4]) + voices(MACHINES, 100), known, responses=100, prev_responses=100))
    assert second["热水"].cluster_id == "hot-1" and second["热水"].trend == "steady"
    assert second["自助"].cluster_id != "hot-1" and second["自助"].trend == "new"


@pytest.mark.parametrize(("prev", "now", "closed", "trend"), [
    (2, 14, False, "rising"), (14, 2, False, "falling"), (6, 6, False, "steady"), (6, 6, True, "recurring")])
def test_trend_against_last_month(prev, now, closed, trend):
    """Rising and falling need a significant change (same exact test as the theme items); a problem
    whose item was closed (销号) and is reported again is 'recurring'."""
    sig = signature_of(HOT)
    texts = (HOT * 3)[:now]
    group = month_groups(voices(texts), [Known("facilities", "hot", sig, prev_count=prev, closed=closed)],
                         responses=100, prev_responses=100)[0]
    assert (group.cluster_id, group.trend) == ("hot", trend)


def test_decisions_merge_and_split_are_applied_again():
    """A merge joins two ids; a split sends the voices closer to the moved part's words to the new id."""
    first = by_word(month_groups(voices(HOT) + voices(MACHINES, 100)))
    hot, machines = first["热水"].cluster_id, first["自助"].cluster_id
    merged = month_groups(voices(HOT) + voices(MACHINES, 100),
                          decisions=[Decision("merge", "facilities", machines, hot)])
    assert [(g.cluster_id, g.count) for g in merged] == [(hot, 11)]
    moved, rest = [HOT[2], HOT[4]], [HOT[0], HOT[1], HOT[3], HOT[5]]
    split = Decision("split", "facilities", hot, "s-night", signature_of(moved), signature_of(rest), "十点后停热水")
    groups = {g.cluster_id: g for g in month_groups(voices(HOT), decisions=[split])}
    assert sorted(v.text for v in groups["s-night"].voices) == sorted(moved)
    assert groups["s-night"].title == "十点后停热水" and groups[hot].count == 4


def test_serious_voice_is_a_problem_of_its_own():
    """A serious complaint is not clustered away: it is one group, whatever its theme's size."""
    serious = Voice("complaint", 9, "safety", "病人坠床无人处理。家属很气愤", 2, None, True)
    groups = month_groups([serious, *voices(HOT)])
    assert [(g.cluster_id, g.count, g.serious) for g in groups if g.serious] == [("complaint-9", 1, True)]


def test_quotes_skip_urgent_voices_and_repeats():
    """Quotes come from the group's own voices, never urgent ones, no text twice."""
    texts = voices(HOT) + [Voice("survey", 50, "facilities", HOT[0], 1), Voice("survey", 51, "facilities",
                                                                               "热水没有，护士骂人", 1, quotable=False)]
    group = by_word(month_groups(texts))["热水"]
    quoted = [v.text for v in group.quotes()]
    assert len(quoted) == 3 == len(set(quoted)) and "热水没有，护士骂人" not in quoted


def test_catalogue_entries_name_their_source():
    """Every measure cites a document, an issuing body, a date and a section, and belongs to known themes."""
    from analysis.taxonomy import THEMES

    assert len(catalogue()) >= 15
    for measure in catalogue():
        assert measure.document and measure.issuer and measure.date and measure.section
        assert set(measure.themes) <= set(THEMES), measure.id
    assert {m.id for m in suggest("parking", "停车场排队进不去")} >= {"parking-offpeak"}
    assert suggest("wayfinding", "自助机 无人指导 志愿者")[0].id == "volunteers"


def test_a_suggested_measure_is_not_a_decided_one():
    """The draft measure is marked 【建议】 and cites its source; accepting with the mark still there fails."""
    text = draft_measure("food", "饭菜凉")
    assert text.startswith("【建议】") and "膳食" in text and "《上海市改善就医感受提升患者体验主题活动实施方案" in text
    fields = {"problem": "饭菜凉", "measure": text, "owner_office": "营养膳食科", "deadline": "2025-11-30"}
    with pytest.raises(TransitionError) as refused:
        next_status("draft", "accept", fields)
    assert refused.value.missing == ("measure",)
    assert next_status("draft", "accept", {**fields, "measure": text.removeprefix("【建议】")}) == "open"


def test_a_serious_voice_about_two_departments_is_one_problem_counted_once():
    """A complaint concerning two departments reaches the list once per department: one group, one voice."""
    from analysis.problem_clusters import Voice, month_groups

    voices = [Voice("complaint", 7, "attitude", "护士当众辱骂病人家属。", department, None, True) for department in (1, 2)]
    groups = month_groups(voices)
    assert [(g.cluster_id, g.count, g.serious) for g in groups] == [("complaint-7", 1, True)]
    assert sorted(d for d, _ in groups[0].departments()) == [1, 2]
