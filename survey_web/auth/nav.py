"""The staff navigation: each entry shows only to its roles and only once its page exists."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

OFFICE = ("admin", "quality", "dept_head")
# (endpoint, label, roles). Blueprints for each audience add pages; this list orders them.
NAV = [
    ("office.index", _l("Overview"), OFFICE),
    ("dashboard.index", _l("Dashboard"), OFFICE),
    ("office.comments", _l("Comments"), OFFICE),
    ("office.urgent", _l("Urgent inbox"), OFFICE),
    ("office.problems", _l("Problem list"), OFFICE),
    ("complaints_office.index", _l("Complaints"), OFFICE + ("complaints",)),
    ("complaints_office.hotline", _l("Hotline orders"), ("admin", "quality", "complaints")),
    ("complaints_office.figures", _l("Complaint figures"), ("commission",)),
    ("office.findings", _l("Findings"), OFFICE + ("complaints",)),
    ("dashboard.reports", _l("Reports"), OFFICE + ("commission",)),
    ("dashboard.staff_survey", _l("Staff survey"), ("admin", "quality")),
    ("commission.index", _l("Hospitals"), ("commission", "admin")),
    ("kiosk.start", _l("Kiosk"), ("volunteer", "admin")),
    ("admin.index", _l("Administration"), ("admin",)),
    ("auth.account", _l("My account"), ("admin", "quality", "dept_head", "volunteer", "commission", "complaints")),
]


def staff_nav() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, roles in NAV
            if current_user.role in roles and endpoint in views]
