"""The address each unit's link and QR code carries (under PUBLIC_BASE_URL, as the patient codes do)."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from ..models import StaffSurvey, StaffUnit
from ..qr import PrintedPoint


def link_url(unit: StaffUnit) -> str:
    """The full anonymous link of UNIT; works in a request and in an operator command."""
    if has_request_context():
        return current_app.config["PUBLIC_BASE_URL"] + url_for("survey.staff_survey", token=unit.token)
    with current_app.test_request_context():
        return link_url(unit)


def printed(survey: StaffSurvey) -> list[PrintedPoint]:
    """The round's active units as QR-sheet entries: the unit's name, its division, its link."""
    return [PrintedPoint(u.code, survey.hospital.name, u.division, u.name, link_url(u))
            for u in survey.units if u.active]
