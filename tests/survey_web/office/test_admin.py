"""Administration: staff accounts with their scope, deactivation, password resets, the read-only audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, User

from .world import PASSWORD, csrf_of, login, make_world


@pytest.fixture
def world(app, db):
    return make_world()


@pytest.fixture
def admin(app, world):
    client = app.test_client()
    login(client, "admin")
    return client


def _create(client, **fields):
    return client.post("/admin/users/new", data={"csrf_token": csrf_of(client, "/admin/users/new"), **fields})


def test_admin_creates_a_department_head_with_its_scope(app, world, admin):
    """A department head needs a department of their hospital and a strong password; creation is audited."""
    base = {"username": "Zhang", "display_name": "张主任", "role": "dept_head", "hospital": str(world.h1.id),
            "password": PASSWORD}
    weak = _create(admin, **base | {"department": str(world.card.id), "password": "123456"})
    assert weak.status_code == 400 and "至少 10 个字符" in weak.get_data(as_text=True)
    wrong = _create(admin, **base | {"department": str(world.other.id)})
    assert wrong.status_code == 400 and "所选医院的一个科室" in wrong.get_data(as_text=True)
    assert _create(admin, **base, department=str(world.card.id)).status_code == 302
    user = _db.session.scalar(select(User).where(User.username == "zhang"))
    assert (user.role, user.hospital_id, user.department_id) == ("dept_head", world.h1.id, world.card.id)
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.entity == "user"))
    assert event.after["department_id"] == world.card.id and "password" not in str(event.after)
    assert _create(admin, **base, department=str(world.card.id)).status_code == 400, "username taken"
    new = app.test_client()
    login(new, "zhang")
    assert new.get("/office/").status_code == 200 and new.get("/admin/").status_code == 403


def test_commission_account_oversees_the_chosen_hospitals(app, world, admin):
    """A health-commission account is tied to the hospitals chosen for it."""
    reply = _create(admin, username="wjw", display_name="卫健委", role="commission", hospital="",
                    hospitals=[str(world.h1.id), str(world.h2.id)], password=PASSWORD)
    assert reply.status_code == 302
    user = _db.session.scalar(select(User).where(User.username == "wjw"))
    assert {h.id for h in user.hospitals} == {world.h1.id, world.h2.id}


def test_deactivation_signs_the_user_out_and_is_audited(app, world, admin):
    """Deactivating ends the user's sessions at once; an admin cannot deactivate themself."""
    quality = app.test_client()
    login(quality, "quality")
    target = world.users["quality"]
    token = csrf_of(admin, "/admin/")
    assert admin.post(f"/admin/users/{target.id}/active", data={"csrf_token": token, "active": "0"}).status_code == 302
    assert quality.get("/office/").status_code == 302, "signed out"
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deactivate"))
    assert (event.entity_id, event.before, event.after) == (target.id, {"active": True}, {"active": False})
    me = world.users["admin"]
    admin.post(f"/admin/users/{me.id}/active", data={"csrf_token": token, "active": "0"})
    _db.session.refresh(me)
    assert me.active


def test_password_reset_signs_out_everywhere(app, world, admin):
    """A reset password works at once and the old sessions end; weak passwords are refused."""
    user = world.users["orth"]
    old = app.test_client()
    login(old, "orth")
    token = csrf_of(admin, "/admin/")
    admin.post(f"/admin/users/{user.id}/password", data={"csrf_token": token, "password": "short"})
    assert old.get("/office/").status_code == 200, "a refused reset changes nothing"
    new_password = "new-horse-2025"
    admin.post(f"/admin/users/{user.id}/password", data={"csrf_token": token, "password": new_password})
    assert old.get("/office/").status_code == 302
    login(app.test_client(), "orth", new_password)
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reset_password"))
    assert event.before is None and event.after is None


def test_audit_log_is_read_only_and_readable(app, world, admin):
    """The audit log has only GET routes; it shows Chinese before/after as text and filters by record."""
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    token = csrf_of(admin, "/admin/")
    admin.post(f"/admin/users/{world.users['card'].id}/active", data={"csrf_token": token, "active": "0"})
    count = _db.session.scalar(select(func.count(AuditEvent.id)))
    assert admin.post("/admin/audit", data={"csrf_token": token}).status_code == 405
    page = admin.get(f"/admin/audit?entity=user&entity_id={world.users['card'].id}").get_data(as_text=True)
    assert "deactivate" in page and "login" not in page.split("<tbody>")[1]
    assert _db.session.scalar(select(func.count(AuditEvent.id))) == count
