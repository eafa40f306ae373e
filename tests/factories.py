"""Row factories and a respondent helper that fills the survey like a browser would."""

from __future__ import annotations

import itertools

from survey_web.extensions import db
from survey_web.models import Department, Hospital, SurveyPoint

from .conftest import hidden_fields

_seq = itertools.count(1)


def make_point(bank: str = "outpatient", *, name: str = "内科门诊候诊区", department: Department | None = None
               ) -> SurveyPoint:
    """A hospital, department and survey point (reusing DEPARTMENT if given), committed."""
    n = next(_seq)
    if department is None:
        hospital = Hospital(code=f"H{n}", name="测试市人民医院")
        department = Department(hospital=hospital, code=f"D{n}", name="内科", kind="outpatient")
    point = SurveyPoint(department=department, code=f"P{n}", name=name, bank_code=bank)
    db.session.add(point)
    db.session.commit()
    return point


class Respondent:
    """A phone with its own cookies: opens the survey from its QR URL and submits it."""

    def __init__(self, app, token: str, lang: str | None = None):
        self.client = app.test_client()
        self.token = token
        self.lang = lang
        self.page = None

    @property
    def url(self) -> str:
        return f"/s/{self.token}" + (f"?lang={self.lang}" if self.lang else "")

    def open(self):
        self.page = self.client.get(self.url)
        return self.page

    def submit(self, answers: dict, *, reopen: bool = True, **overrides):
        """POST ANSWERS with the hidden tokens of the last opened page; OVERRIDES replace any field."""
        if reopen or self.page is None:
            self.open()
        data = {**hidden_fields(self.page.get_data(as_text=True)), **answers, **overrides}
        return self.client.post(self.url, data=data)


GOOD_ANSWERS = {
    "role": "patient",
    "q_appointment": "4",
    "q_waiting": "2",
    "q_doctor_communication": "5",
    "q_parking": "na",
    "q_overall": "4",
    "q_comment": "医生很专业，但是停车太难了",
}
