"""The monthly problem list algorithm on constructed data: ranking, carry-over, states, overdue."""

from __future__ import annotations

from datetime import date

import pytest

from analysis.indicators import wilson
from analysis.ledger import TransitionError, actions_from, is_due_soon, is_overdue, next_status
from analysis.problem_list import (
    Draft,
    OpenItem,
    QuestionFigures,
    Quote,
    ThemeFigures,
    build_drafts,
    default_deadline,
    parse_month,
    pick_quotes,
    plan_month,
    question_drafts,
    rank,
    rose_significantly,
    shift_month,
    theme_drafts,
)


def draft(key: str, count: int, responses: int, **extra) -> Draft:
    low, _ = wilson(count, responses)
    return Draft(key=key, source="theme", theme=key, question=None, department=None, count=count,
                 responses=responses, score=100 * low, **extra)


def test_themes_rank_by_negative_mentions_with_rate_per_100():
    """In one scope the theme with more negative mentions ranks first; rates are per 100 responses."""
    figures = [ThemeFigures("parking", 12, 10), ThemeFigures("waiting", 30, 20), ThemeFigures("food", 5, 5)]
    drafts = rank(theme_drafts(figures, responses=400, prev_responses=380))
    assert [d.theme for d in drafts] == ["waiting", "parking", "food"]
    assert drafts[0].rate == 7.5 and drafts[0].prev_rate == pytest.approx(5.26, abs=0.01)
    assert [d.rank for d in drafts] == [1, 2, 3]


def test_small_counts_do_not_outrank_large_ones_by_noise():
    """2 of 5 (40 %) ranks below 30 of 150 (20 %): the Wilson bound of a tiny sample is low."""
    small, large = draft("small", 2, 5), draft("large", 30, 150)
    assert small.count / small.responses > large.count / large.responses
    assert [d.key for d in rank([small, large])] == ["large", "small"]


def test_a_small_sample_that_is_extreme_still_ranks_first():
    """Ranking is not by count alone: 9 of 10 beats 30 of 150, because that is unlikely to be noise."""
    assert [d.key for d in rank([draft("large", 30, 150), draft("extreme", 9, 10)])] == ["extreme", "large"]


def test_themes_below_the_minimum_count_are_not_drafted():
    """One or two complaints are anecdotes: no draft below MIN_COUNT negative mentions."""
    drafts = theme_drafts([ThemeFigures("parking", 2), ThemeFigures("food", 3)], 50, 50)
    assert [d.theme for d in drafts] == ["food"]


def test_question_items_need_a_significant_gap_from_the_hospital():
    """A department well below the hospital on a question is drafted; a tiny sample or small gap is not."""
    figures = [
        QuestionFigures("waiting", department=1, satisfied=210, answered=300, hospital_satisfied=1800,
                        hospital_answered=2000, theme="waiting"),
        QuestionFigures("food", department=2, satisfied=2, answered=3, hospital_satisfied=900,
                        hospital_answered=1000),
        QuestionFigures("billing", department=3, satisfied=85, answered=100, hospital_satisfied=900,
                        hospital_answered=1000),
    ]
    drafts = question_drafts(figures, min_answered=3)
    assert [(d.question, d.department) for d in drafts] == [("waiting", 1)]
    only = drafts[0]
    assert (only.satisfaction, only.hospital_satisfaction) == (70.0, 90.0)
    assert only.count == 90 and only.key == "question:waiting@1"
    assert 0 < only.score < 20, "scored by the conservative gap, not the raw 20 points"


def test_question_item_from_few_answers_ranks_below_a_large_one():
    """1 of 3 satisfied (raw gap 57) ranks below 210 of 300 (raw gap 20) when both are flagged."""
    figures = [
        QuestionFigures("food", 2, satisfied=1, answered=3, hospital_satisfied=900, hospital_answered=1000),
        QuestionFigures("waiting", 1, satisfied=210, answered=300, hospital_satisfied=1800,
                        hospital_answered=2000),
    ]
    ranked = rank(question_drafts(figures, min_answered=3))
    assert [d.question for d in ranked] == ["waiting", "food"], "both are flagged, the large one first"


def test_hospital_list_attributes_a_theme_to_a_dominant_department():
    """In a hospital list a theme belongs to a department only if it has two thirds of the mentions."""
    dominated = ThemeFigures("nursing", 9, departments={7: 7, 8: 2})
    shared = ThemeFigures("parking", 9, departments={7: 5, 8: 4})
    drafts = {d.theme: d for d in theme_drafts([dominated, shared], 300, 300)}
    assert drafts["nursing"].department == 7 and drafts["parking"].department is None
    assert drafts["parking"].departments == ((7, 5), (8, 4))


def test_department_list_keeps_only_its_questions_and_caps_items():
    """A department list has only its own question items and at most MAX items of each kind."""
    themes = [ThemeFigures(f"t{i}", 10 + i) for i in range(15)]
    questions = [QuestionFigures("waiting", d, 20, 100, 900, 1000) for d in (1, 2)]
    drafts = build_drafts(themes, questions, 500, 500, department=2, max_themes=4, max_questions=5)
    assert sum(d.source == "theme" for d in drafts) == 4
    assert [d.department for d in drafts if d.source == "question"] == [2]
    assert [d.rank for d in drafts] == list(range(1, len(drafts) + 1))


def test_rise_is_flagged_only_when_significant():
    """A jump from 1 to 3 mentions is noise; from 5 to 30 with the same responses is a rise."""
    assert not rose_significantly(3, 100, 1, 100)
    assert rose_significantly(30, 400, 5, 400)
    assert not rose_significantly(5, 400, 30, 400)
    assert not rose_significantly(4, 100, 0, 0), "no previous month: nothing to compare"


def test_open_items_carry_over_and_absorb_this_months_figures():
    """Open items come into the next list; a draft for the same problem is not raised twice."""
    drafts = rank([draft("theme:parking", 20, 300), draft("theme:food", 8, 300)])
    plan = plan_month(drafts, [OpenItem(11, "theme:parking"), OpenItem(12, "theme:privacy")])
    assert [d.key for d in plan.new] == ["theme:food"] and plan.new[0].rank == 1
    carried = {item.id: figures for item, figures in plan.carried}
    assert carried[11].count == 20, "still reported: this month's figures go with the carried item"
    assert carried[12] is None, "not reported again, still carried until it is closed"


def test_accepting_needs_the_four_clear_items():
    """立账 needs the problem, measure, owner office and deadline; missing ones are named."""
    with pytest.raises(TransitionError) as error:
        next_status("draft", "accept", {"problem": "停车难", "measure": " ", "owner_office": "后勤保障部"})
    assert error.value.missing == ("measure", "deadline")
    assert next_status("draft", "accept", {"problem": "停车难", "measure": "增设车位", "owner_office": "后勤保障部",
                                           "deadline": date(2025, 11, 30)}) == "open"


def test_ledger_moves_open_to_in_progress_to_closed_and_can_reopen():
    """立账 -> 督办 -> 销号 (with measure taken and evidence) -> reopened back to 督办 with a reason."""
    assert next_status("open", "start", {}) == "in_progress"
    with pytest.raises(TransitionError) as error:
        next_status("in_progress", "close", {"measure_taken": "增设车位 60 个"})
    assert error.value.missing == ("closure_evidence",)
    assert next_status("in_progress", "close", {"measure_taken": "增设车位 60 个",
                                                "closure_evidence": "现场照片、次月投诉下降"}) == "closed"
    with pytest.raises(TransitionError):
        next_status("closed", "reopen", {})
    assert next_status("closed", "reopen", {"reason": "次月仍有 12 条反映"}) == "in_progress"


@pytest.mark.parametrize(("status", "action"), [
    ("draft", "close"), ("open", "close"), ("closed", "accept"), ("merged", "accept"), ("carried", "start"),
    ("rejected", "accept"), ("in_progress", "accept"),
])
def test_transitions_outside_the_ledger_order_are_refused(status, action):
    """No skipping 督办, no acting on merged or carried rows."""
    full = {"problem": "p", "measure": "m", "owner_office": "o", "deadline": date(2025, 1, 1),
            "measure_taken": "t", "closure_evidence": "e", "reason": "r"}
    with pytest.raises(TransitionError):
        next_status(status, action, full)


def test_actions_offered_per_status():
    """Each status offers exactly its next steps."""
    assert actions_from("draft") == ["accept", "reject"]
    assert actions_from("in_progress") == ["close"]
    assert actions_from("merged") == []


def test_overdue_and_due_soon_only_for_items_on_the_ledger():
    """Past the deadline and still open or in progress is overdue; closed or draft items never are."""
    today = date(2025, 11, 10)
    assert is_overdue("in_progress", date(2025, 11, 9), today)
    assert is_overdue("open", date(2025, 10, 31), today)
    assert not is_overdue("in_progress", date(2025, 11, 10), today), "due today is not yet overdue"
    assert not is_overdue("closed", date(2025, 10, 1), today)
    assert not is_overdue("draft", date(2025, 10, 1), today)
    assert not is_overdue("open", None, today)
    assert is_due_soon("open", date(2025, 11, 15), today) and not is_due_soon("open", date(2025, 12, 1), today)


def test_default_deadlines():
    """Drafts are due at the end of the following month; safety, ethics and privacy in two weeks."""
    assert default_deadline("2025-10", "parking") == date(2025, 11, 30)
    assert default_deadline("2025-12", "food") == date(2026, 1, 31)
    assert default_deadline("2025-10", "safety") == date(2025, 11, 14)


def test_month_arithmetic():
    """Months parse strictly and shift across years."""
    assert shift_month("2025-01", -1) == "2024-12" and shift_month("2024-12", 1) == "2025-01"
    assert parse_month("2025-10") == date(2025, 10, 1)
    for bad in ("2025-13", "2025-1", "October", "2025-10-01"):
        with pytest.raises(ValueError):
            parse_month(bad)


def test_quotes_prefer_staff_labels_and_confidence_without_duplicates():
    """Quotes: staff-labelled first, then the model's most confident, near-identical texts once."""
    quotes = [Quote(1, "停车场太小了，每次都找不到车位", 0.6), Quote(2, "停车场太小了，每次都找不到车位", 0.9),
              Quote(3, "停车难，绕了三圈都没位置", 0.95), Quote(4, "地下车库收费太贵而且车位少", 0.3, staff=True),
              Quote(5, "差", 0.99), Quote(6, "停车场太小了，每次都找不到车位 电话138****5678", 0.97)]
    assert [q.comment_id for q in pick_quotes(quotes)] == [4, 6, 3], "6 and 2 differ only by a masked number"
