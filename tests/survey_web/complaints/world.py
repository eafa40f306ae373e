"""The complaint tests' world: the shared staff world plus a complaint-office account and a case factory."""

from __future__ import annotations

from datetime import datetime

from survey_web.complaints import cases
from survey_web.extensions import db
from survey_web.models import ComplaintCase, Department, User

from ...world import World, _password_hash, make_world
from ..office.world import add_response, csrf_of, login  # noqa: F401 - re-exported for the complaint tests


def complaint_world() -> World:
    """make_world() and `tsb`, H1's complaint office (投诉办)."""
    world = make_world()
    user = User(username="tsb", display_name="投诉办王老师", role="complaints", password_hash=_password_hash(),
                hospital=world.h1)
    db.session.add(user)
    db.session.commit()
    world.users["tsb"] = user
    return world


def add_case(world: World, *departments: Department, text: str = "挂号窗口排队两个小时，工作人员态度冷淡",
             by: str = "tsb", contact: str = "13812345678", received_at: datetime | None = None,
             **kwargs) -> ComplaintCase:
    """A committed case of H1 received by BY with a consented phone number."""
    case = cases.open_case(hospital_id=world.h1.id, channel=kwargs.pop("channel", "phone"), text=text,
                           received_by=world.users[by], departments=list(departments) or [world.card],
                           complainant="张三丰", contact=contact, contact_consent=bool(contact),
                           received_at=received_at, **kwargs)
    db.session.commit()
    return case


def post(client, url: str, page: str, **data):
    """POST DATA to URL with the CSRF token of PAGE."""
    return client.post(url, data={"csrf_token": csrf_of(client, page), **data})
