"""Next month's figures beside an item: did the problem go away after the measure was taken?"""

from __future__ import annotations

from analysis.ledger import ItemStatus
from analysis.problem_list import shift_month

from ..models.problems import ProblemItem, ProblemList
from ..timeutil import this_month
from .stats import question_month, theme_month


def figures_after(item: ProblemItem, problem_list: ProblemList) -> dict | None:
    """The item's measure in the month after its list: mentions per 100 responses of its theme, or the
    department's satisfaction on its question. None when that month has not begun or nothing applies."""
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
