"""Next month's figures beside an item: did the problem go away after the measure was taken?"""

from __future__ import annotations

from sqlalchemy import select

from analysis.ledger import ItemStatus
from analysis.problem_list import month_str, shift_month

from ..extensions import db
from ..models.problems import ProblemItem, ProblemList
from ..timeutil import this_month
from .clusters import cluster_sizes
from .stats import question_month, theme_month


def cluster_after(item: ProblemItem, problem_list: ProblemList) -> dict | None:
    """销号 check of a specific problem: its voices in the month after its deadline (the list's month
    when it has none), against the count that raised it. None before that month begins."""
    month = shift_month(month_str(item.deadline) if item.deadline else problem_list.month, 1)
    if month > this_month():
        return None
    generated = db.session.scalar(select(ProblemList.id).where(
        ProblemList.hospital_id == problem_list.hospital_id, ProblemList.scope_key == 0, ProblemList.month == month))
    count = cluster_sizes(problem_list.hospital_id, item.cluster_id, [month], problem_list.department_id).get(month, 0)
    return {"month": month, "kind": "cluster", "generated": generated is not None, "count": count,
            "before_count": item.count, "fell": count < item.count, "partial": month == this_month()}


def figures_after(item: ProblemItem, problem_list: ProblemList) -> dict | None:
    """The item's measure in the month after its list: mentions per 100 responses of its theme, or the
    department's satisfaction on its question. None when that month has not begun or nothing applies."""
    if item.cluster_id:
        return cluster_after(item, problem_list)
    month = shift_month(problem_list.month, 1)
    if month > this_month():
        return None
    if item.source == "question" and item.question_code and item.department_id:
        satisfied, answered = question_month(problem_list.hospital_id, month, item.department_id,
                                             item.question_code)
        return {"month": month, "kind": "question", "answered": answered,
                "satisfaction": round(100 * satisfied / answered, 1) if answered else None,
                "before": item.evidence.get("satisfaction"), "partial": month == this_month()}
    if item.theme:
        count, responses = theme_month(problem_list.hospital_id, month, problem_list.department_id, item.theme)
        return {"month": month, "kind": "theme", "count": count, "responses": responses,
                "rate": round(100 * count / responses, 2) if responses else None,
                "before": item.evidence.get("rate"), "before_count": item.count,
                "partial": month == this_month()}
    return None


def next_month_figures(problem_list: ProblemList) -> dict[int, dict]:
    """{item id: figures_after(...)} for the list's closed items."""
    found = {}
    for item in problem_list.items:
        if item.status == ItemStatus.CLOSED:
            figures = figures_after(item, problem_list)
            if figures is not None:
                found[item.id] = figures
    return found
