"""A staff-survey round in the tests' world (H1: 心内科 CARD, 骨科 ORTH) and a helper that answers it."""

from __future__ import annotations

from survey_web.extensions import db
from survey_web.models import StaffSurvey
from survey_web.staff_survey import service

from ...conftest import hidden_fields

SCORES = {"q_workload_amount": "2", "q_workload_rest": "3", "q_pay_level": "2", "q_pay_fairness": "4",
          "q_development_training": "4", "q_development_promotion": "3", "q_management_communication": "4",
          "q_management_respect": "5", "q_workplace_conditions": "4", "q_work_safety": "2", "q_overall_work": "4"}


def open_round(world, code: str = "2026") -> StaffSurvey:
    survey = service.open_round(world.h1, code, f"{code}年度医务人员满意度调查")
    service.add_unit(survey, "FIN", "财务科", "行政后勤")
    db.session.commit()
    return survey


def unit(survey: StaffSurvey, code: str):
    return next(u for u in survey.units if u.code == code)


def answer(client, token: str, category: str | None = "nurse", comment: str = "", **extra):
    """Open the link, then send the form with CATEGORY, the usual scores and COMMENT; returns the POST reply."""
    page = client.get(f"/staff-survey/{token}")
    assert page.status_code == 200, page.status_code
    data = {**hidden_fields(page.get_data(as_text=True)), **SCORES, "q_suggestions": comment, **extra}
    if category:
        data["q_category"] = category
    return client.post(f"/staff-survey/{token}", data=data)


def fill(survey: StaffSurvey, counts: dict[tuple[str, str], int], comment: str = "") -> None:
    """Store COUNTS[(unit code, category)] responses directly (the service the page calls)."""
    from uuid import uuid4

    from survey_web import banks

    version = banks.ensure_version(banks.staff_current())
    for (code, category), n in counts.items():
        for _ in range(n):
            answers = [(k.removeprefix("q_"), int(v), None) for k, v in SCORES.items()]
            service.store(service.Submission(unit(survey, code).id, version, uuid4().hex, category, "zh_CN",
                                             answers, comment))
