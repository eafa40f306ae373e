"""Every office and admin URL walked as every role: what each can see and change, guessed ids included."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, KioskDevice, UrgentAlert
from survey_web.models.problems import ProblemItem

from .world import add_response, at, csrf_of, login, make_list, make_world

ROLES = ("anonymous", "admin", "quality", "card", "orth", "volunteer", "commission", "quality2")
OFFICE = {"admin", "quality", "card", "orth", "quality2"}
MANAGERS = {"admin", "quality", "quality2"}


def expect(allowed: set[str], *, visible: set[str] = OFFICE, ok: int = 200) -> dict[str, int]:
    """Status per role: OK for ALLOWED; 404 for office roles that cannot see the record (not in VISIBLE,
    e.g. a guessed id of another department or hospital); 403 for everyone else signed in; anonymous
    is sent to sign in."""
    result = {}
    for role in ROLES:
        if role == "anonymous":
            result[role] = 302
        elif role in allowed:
            result[role] = ok
        elif role in OFFICE and role not in visible:
            result[role] = 404
        else:
            result[role] = 403
    return result


@pytest.fixture
def world(app, db):
    w = make_world()
    card = add_response(w.card_point, at("2025-10"), comment="心内科护士态度差", themes={"attitude": "neg"},
                        urgent="safety", contact="13812345678")
    orth = add_response(w.orth_point, at("2025-10"), comment="骨科病房太吵", themes={"environment": "neg"},
                        urgent="safety")
    alert = {r: _db.session.scalar(select(UrgentAlert.id).where(UrgentAlert.comment_id == r.comment.id))
             for r in (card, orth)}
    hospital_list = make_list(w.h1, None, "2025-10", {"department_id": w.card.id, "key": "theme:nursing"},
                              {"key": "theme:parking"})
    card_list = make_list(w.h1, w.card, "2025-10", {"status": "draft"}, {"status": "draft", "key": "theme:x"},
                          {"status": "in_progress", "key": "theme:y", "measure": "m", "owner_office": "o",
                           "deadline": date(2025, 1, 31)})
    orth_list = make_list(w.h1, w.orth, "2025-10", {"status": "in_progress", "measure": "m", "owner_office": "o",
                                                    "deadline": date(2025, 1, 31)})
    other_list = make_list(w.h2, w.other, "2025-10", {"status": "draft"})
    return {
        "world": w, "card_comment": card.comment.id, "orth_comment": orth.comment.id,
        "card_alert": alert[card], "orth_alert": alert[orth], "hospital_list": hospital_list.id,
        "card_list": card_list.id, "orth_list": orth_list.id, "other_list": other_list.id,
        "hospital_card_item": hospital_list.items[0].id, "hospital_item": hospital_list.items[1].id,
        "card_draft": card_list.items[0].id, "card_draft2": card_list.items[1].id,
        "card_live": card_list.items[2].id, "orth_live": orth_list.items[0].id, "other_item": other_list.items[0].id,
        "quality": w.users["quality"].id, "tablet": _tablet(),
    }


def _tablet() -> int:
    tablet = KioskDevice(name="5楼平板")
    _db.session.add(tablet)
    _db.session.commit()
    return tablet.id


CARD_ONLY = {"admin", "quality", "card"}
HOSPITAL_ONLY = {"admin", "quality"}

# (method, url template, expectations). Every office and admin rule must appear here.
GETS = [
    ("office.index", "/office/", expect(OFFICE)),
    ("office.comments", "/office/comments", expect(OFFICE)),
    ("office.comments_export", "/office/comments/export.csv", expect(OFFICE)),
    ("office.comment", "/office/comments/{card_comment}", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.comment", "/office/comments/{orth_comment}", expect({"admin", "quality", "orth"},
                                                                  visible={"admin", "quality", "orth"})),
    ("office.urgent", "/office/urgent?tab=all", expect(OFFICE)),
    ("office.alert", "/office/urgent/{card_alert}", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.problems", "/office/problems", expect(OFFICE)),
    ("office.findings", "/office/findings?source=forum", expect(OFFICE)),
    ("office.problem_list", "/office/problems/{card_list}", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.problem_list", "/office/problems/{hospital_list}", expect(HOSPITAL_ONLY, visible=HOSPITAL_ONLY)),
    ("office.problem_list", "/office/problems/{other_list}", expect({"admin", "quality2"},
                                                                     visible={"admin", "quality2"})),
    ("office.print_list", "/office/problems/{card_list}/print", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.export_list", "/office/problems/{card_list}/export.xlsx", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.export_list", "/office/problems/{hospital_list}/export.json",
     expect(HOSPITAL_ONLY, visible=HOSPITAL_ONLY)),
    ("office.item", "/office/items/{card_draft}", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.item", "/office/items/{hospital_card_item}", expect(CARD_ONLY, visible=CARD_ONLY)),
    ("office.item", "/office/items/{hospital_item}", expect(HOSPITAL_ONLY, visible=HOSPITAL_ONLY)),
    ("office.item", "/office/items/{orth_live}", expect({"admin", "quality", "orth"},
                                                        visible={"admin", "quality", "orth"})),
    ("admin.index", "/admin/", expect({"admin"})),
    ("admin.audit_log", "/admin/audit", expect({"admin"})),
    ("admin.dead_letters", "/admin/dead-letters", expect({"admin"})),
    ("admin.new_user", "/admin/users/new", expect({"admin"})),
    ("admin.tablets_index", "/admin/tablets", expect({"admin"})),
]
# Changes: OK is a redirect after success (or 400 for a deliberately incomplete form that still passed access).
POSTS = [
    ("office.search_comments", "/office/comments", {"q": "病房"}, expect(OFFICE, ok=303)),
    ("office.correct", "/office/comments/{card_comment}/themes", {"theme_attitude": "pos"},
     expect(CARD_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.reset", "/office/comments/{orth_comment}/reset", {}, expect({"admin", "quality", "orth"},
                                                                         visible={"admin", "quality", "orth"}, ok=302)),
    ("office.acknowledge", "/office/urgent/{card_alert}/ack", {}, expect(CARD_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.followup", "/office/urgent/{orth_alert}/followup", {"followup_note": "已电话回访"},
     expect({"admin", "quality", "orth"}, visible={"admin", "quality", "orth"}, ok=302)),
    ("office.close_alert", "/office/urgent/{card_alert}/close", {"outcome": ""},
     expect(CARD_ONLY, visible=CARD_ONLY, ok=400)),
    ("office.dismiss_alert", "/office/urgent/{card_alert}/dismiss", {"reason": ""},
     expect(CARD_ONLY, visible=CARD_ONLY, ok=400)),
    ("office.reveal_contact", "/office/urgent/{card_alert}/contact", {}, expect(CARD_ONLY, visible=CARD_ONLY)),
    # An administrator has no hospital to record a finding for; department heads only read them.
    ("office.add_finding", "/office/findings", {"source": "forum", "found_on": "2026-11-20", "text": "座谈会反映"},
     expect({"quality", "quality2"}, ok=302)),
    ("office.generate", "/office/problems/generate", {"month": "bad"}, expect(MANAGERS, ok=302)),
    ("office.merge", "/office/problems/{card_list}/merge", {"item": ["{card_draft}", "{card_draft2}"]},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.add_item", "/office/problems/{card_list}/items", {"problem": "电梯等候久"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.summary", "/office/problems/{card_list}/summary", {"summary": "本月通报", "publish": "1"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.edit_item", "/office/items/{card_live}/edit", {"problem": "改写的问题"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.act", "/office/items/{card_live}/action", {"action": "close"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=400)),
    ("office.split_item", "/office/items/{hospital_card_item}/split", {"problem": "拆出", "count": "1"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    # A theme line has no comments of its own to move: the scope check passes, the form does not.
    ("office.split_voices", "/office/items/{hospital_card_item}/split-voices", {"problem": "拆出", "voice": "survey:1"},
     expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=400)),
    ("office.add_note", "/office/items/{card_live}/notes", {"text": "已增加夜班护士"},
     expect(CARD_ONLY, visible=CARD_ONLY, ok=302)),
    ("office.remind", "/office/items/{card_live}/remind", {}, expect(HOSPITAL_ONLY, visible=CARD_ONLY, ok=302)),
    ("admin.set_active", "/admin/users/{quality}/active", {"active": "1"}, expect({"admin"}, ok=302)),
    ("admin.reset_password", "/admin/users/{quality}/password", {"password": "short"},
     expect({"admin"}, ok=302)),
    ("admin.new_user", "/admin/users/new", {"username": "x"}, expect({"admin"}, ok=400)),
    ("admin.reset_two_factor", "/admin/users/{quality}/two-factor/reset", {}, expect({"admin"}, ok=302)),
    ("admin.retry_dead_letters", "/admin/dead-letters/retry", {}, expect({"admin"}, ok=302)),
    ("admin.new_tablet", "/admin/tablets", {"name": "6楼平板", "hours": "24"}, expect({"admin"})),
    ("admin.tablet_link", "/admin/tablets/{tablet}/link", {"name": "5楼平板", "hours": "24"}, expect({"admin"})),
    ("admin.tablet_settings", "/admin/tablets/{tablet}/settings", {"name": "5楼平板", "idle_minutes": "6"},
     expect({"admin"}, ok=302)),
    ("admin.revoke_tablet", "/admin/tablets/{tablet}/revoke", {}, expect({"admin"}, ok=302)),
]


def _fill(value, ids):
    if isinstance(value, list):
        return [v.format(**ids) for v in value]
    return value.format(**ids)


def test_every_office_and_admin_url_is_walked(app):
    """The tables below cover every office and admin route: a new page cannot skip the walk."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith(("office.", "admin."))}
    walked = {e for e, _u, _x in GETS} | {e for e, _u, _d, _x in POSTS}
    assert endpoints == walked


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_scope(app, world, role):
    """GET every page as ROLE: allowed pages load, other scopes are 404 (guessed ids), others 403."""
    client = app.test_client()
    if role != "anonymous":
        login(client, role)
    for endpoint, url, expected in GETS:
        reply = client.get(url.format(**world))
        assert reply.status_code == expected[role], (role, endpoint, url.format(**world))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_only_what_it_may(app, world, role):
    """POST every change as ROLE (with a valid CSRF token); refused ones change nothing and audit nothing."""
    client = app.test_client()
    token = None
    if role != "anonymous":
        login(client, role)
        token = csrf_of(client, "/staff/account")
    for endpoint, url, data, expected in POSTS:
        before = _db.session.scalar(select(func.count(AuditEvent.id)))
        states = dict(_db.session.execute(select(ProblemItem.id, ProblemItem.status)).all())
        form = {k: _fill(v, world) for k, v in data.items()} | ({"csrf_token": token} if token else {})
        reply = client.post(url.format(**world), data=form)
        # Anonymous has no session and so no CSRF token: refused (400) before anything else.
        wanted = 400 if role == "anonymous" else expected[role]
        assert reply.status_code == wanted, (role, endpoint, reply.status_code)
        if role == "anonymous" or wanted in (403, 404):
            _db.session.expire_all()
            assert _db.session.scalar(select(func.count(AuditEvent.id))) == before, (role, endpoint)
            assert dict(_db.session.execute(select(ProblemItem.id, ProblemItem.status)).all()) == states


def test_post_without_csrf_token_is_refused(app, world):
    """A signed-in quality officer's POST without the CSRF token is rejected and changes nothing."""
    client = app.test_client()
    login(client, "quality")
    reply = client.post(f"/office/urgent/{world['card_alert']}/ack")
    assert reply.status_code == 400
    assert _db.session.get(UrgentAlert, world["card_alert"]).acknowledged_at is None
