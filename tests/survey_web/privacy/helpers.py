"""Submitting like a phone and reading the receipt code off the thanks page."""

from __future__ import annotations

import re

from ...conftest import hidden_fields
from ...factories import GOOD_ANSWERS, Respondent

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")


def submit_for_receipt(app, token: str, answers: dict | None = None) -> tuple[Respondent, str]:
    """Answer the survey at TOKEN; returns the respondent and the receipt code its thanks page showed."""
    respondent = Respondent(app, token)
    reply = respondent.submit(answers or GOOD_ANSWERS)
    assert reply.status_code == 302, reply.status_code
    thanks = respondent.client.get(reply.headers["Location"]).get_data(as_text=True)
    return respondent, CODE.search(thanks).group(0)


def receipt_post(client, path: str, code: str, **extra):
    """POST CODE to a receipt endpoint with the CSRF token of the receipt page."""
    token = hidden_fields(client.get("/receipt").get_data(as_text=True))["csrf_token"]
    return client.post(path, data={"csrf_token": token, "code": code, **extra})
