"""Hostile input on the staff endpoints: sign-in, and the office, dashboard and admin pages.

Random, oversized, mis-encoded and wrong-typed query strings and forms, ids that do not exist, forged
CSRF tokens. The pages answer with a designed 4xx (never a 500, nor the 503 "database unavailable" page
while the database is up), a refused POST changes no row of any table, and markup typed in comes back
escaped.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import UrgentAlert

from ..conftest import hidden_fields
from .office.world import PASSWORD, add_response, at, csrf_of, login, make_list, make_world

# The world is built once per test function and its examples share it (valid forms may change it).
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DESIGNED = {200, 302, 400, 401, 403, 404, 405, 409, 413, 429}
PAYLOADS = ["<script>alert('fuzz')</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(2)>"]
BOUNDARY_IDS = [str(2**31), str(2**63 - 1), str(2**63), str(2**64), str(2**70)]
ODD = ["", " ", "%00", "%ff", "é", "😀" * 20, "x" * 5000, "pos", "neg", "yes", "no", "1", "self",
       "volunteer_assisted", "patient", "parking", "overall", "recommend", "top", "na", "pdf", "xlsx", "new", "all",
       "closed", "accept", "close", "=cmd|' /C calc'!A0", *PAYLOADS]

nul_text = st.builds("{}\x00{}".format, st.text(max_size=8), st.text(max_size=8))
months = st.one_of(st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
                   st.sampled_from(["9999-12", "0001-01", "2026-13", "2026-00", "2025-1", "٢٠٢٥-١٠", " 2025-10 "]))
halves = st.one_of(st.builds("{}H{}".format, st.integers(0, 99999), st.integers(0, 3)),
                   st.sampled_from(["9999H2", "99999H1", "2026h1", "H1", "2026H"]))
numbers = st.one_of(st.integers(-5, 60).map(str),
                    st.sampled_from([*BOUNDARY_IDS, "1.5", "1e9", "0x10", "١", "nan", "-0", "+3"]))
dates = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "9999-12-31", "0001-01-01", "31/12/2025"]))
values = st.one_of(st.sampled_from(ODD), st.text(max_size=80), nul_text, months, halves, numbers,
                   st.binary(max_size=24).map(lambda b: b.decode("latin-1")))
# What each named parameter usually holds; half the time it gets anything else instead.
SHAPES = {"month": months, "period": halves, "deadline": dates, "page": numbers, "department": numbers,
          "point": numbers, "hospital": numbers, "entity_id": numbers, "user": numbers, "count": numbers,
          "item": numbers}


def value_for(name: str):
    """A strategy for parameter NAME: its usual shape half the time, anything at all the other half."""
    return st.one_of(SHAPES[name], values) if name in SHAPES else values


COMMENT_FILTERS = ["month", "department", "point", "theme", "polarity", "urgent", "mode", "reviewed", "q", "page"]
DRILL = ["month", "department", "point", "hospital", "role", "mode", "question", "dimension", "theme", "polarity",
         "answer", "comments", "page"]
# Each page and the query parameters it reads.
OFFICE_PAGES = {"/office/": [], "/office/comments": COMMENT_FILTERS, "/office/comments/export.csv": COMMENT_FILTERS,
                "/office/comments/export.xlsx": COMMENT_FILTERS, "/office/urgent": ["tab", "page"],
                "/office/problems": [], "/dashboard/": ["month", "mode"], "/dashboard/indicators.json": ["month", "mode"],
                "/dashboard/indicators.csv": ["month", "mode"], "/dashboard/responses": DRILL,
                "/dashboard/reports": ["period", "format"], "/staff/account": []}
ADMIN_PAGES = {"/admin/": [], "/admin/audit": ["entity", "entity_id", "action", "user", "page"],
               "/admin/users/new": [], "/commission/": ["month", "mode"]}
STRAY = ["next", "lang", "\x00", "page[]", "csrf_token", "month"]
LISTS = ["/office/comments?", "/office/urgent?tab=all&", "/admin/audit?", "/dashboard/responses?month=2025-10&"]
ID_FILTERS = ["/admin/audit?entity_id=", "/admin/audit?user=", "/office/comments?department=",
              "/office/comments?point=", "/dashboard/responses?department=", "/dashboard/responses?point=",
              "/dashboard/responses?hospital="]
RECORD_PAGES = ["/office/comments/{id}", "/office/urgent/{id}", "/office/problems/{id}",
                "/office/problems/{id}/print", "/office/problems/{id}/export.json", "/office/items/{id}"]
ids = st.one_of(st.integers(0, 50).map(str), st.sampled_from(BOUNDARY_IDS),
                st.sampled_from(["abc", "-1", "1.0", "%00", "١", "0x1", "1e3"]))

# Every staff POST and the fields its form reads ({name} in a path is one of the world's ids).
POSTS = [
    ("/office/comments/{comment}/themes", ["theme_parking", "theme_attitude", "theme_nope", "note"]),
    ("/office/comments/{comment}/reset", []),
    ("/office/urgent/{alert}/ack", []),
    ("/office/urgent/{alert}/followup", ["followup_note", "outcome"]),
    ("/office/urgent/{alert}/close", ["outcome"]),
    ("/office/urgent/{alert}/contact", []),
    ("/office/urgent/{alert}/dismiss", ["reason"]),
    ("/office/problems/generate", ["month", "hospital", "refresh"]),
    ("/office/problems/{list}/merge", ["item", "item"]),
    ("/office/problems/{list}/items", ["problem", "measure", "owner_office", "owner_person", "deadline", "theme",
                                       "department", "count"]),
    ("/office/problems/{list}/summary", ["summary", "publish"]),
    ("/office/items/{item}/edit", ["problem", "measure", "owner_office", "owner_person", "deadline"]),
    ("/office/items/{item}/action", ["action", "reason", "measure_taken", "closure_evidence"]),
    ("/office/items/{draft}/split", ["problem", "count"]),
    ("/office/items/{item}/notes", ["text"]),
    ("/office/items/{item}/remind", []),
]
ADMIN_POSTS = [
    ("/admin/users/new", ["username", "display_name", "role", "hospital", "department", "hospitals", "hospitals",
                          "password"]),
    ("/admin/users/{other_user}/active", ["active"]),
    ("/admin/users/{other_user}/password", ["password"]),
]
# Real ids now and then, so that a form gets past "not found" to its own validation.
PLACEHOLDERS = ["{item}", "{draft}", "{hospital}", "{department}", "admin", "dept_head", "quality", "2025-10"]
# Values known to have broken pages somewhere: each is tried in every parameter and every field.
NASTY = ["\x00", "a\x00b", "9999-12", "0001-01", "2026-13", "99999H1", str(2**31), str(2**63), "x" * 5000,
         "٢٠٢٥-١٠", PAYLOADS[1], " ", "\u3000\t", " 1 "]  # blanks: WTForms' Optional() passes them unvalidated
# A valid filling of each form, so that a NASTY value in one field gets past the others' validation.
VALID = {
    "/office/urgent/{alert}/followup": {"followup_note": "已电话回访"},
    "/office/urgent/{alert}/close": {"outcome": "已处理"},
    "/office/problems/generate": {"month": "2025-10", "hospital": "{hospital}"},
    "/office/problems/{list}/items": {"problem": "电梯等候久", "count": "1"},
    "/office/problems/{list}/summary": {"summary": "本月通报"},
    "/office/items/{item}/edit": {"problem": "改写的问题", "deadline": "2026-01-31"},
    "/office/items/{item}/action": {"action": "start"},
    "/office/items/{draft}/split": {"problem": "拆出", "count": "0"},
    "/office/items/{item}/notes": {"text": "已增加夜班护士"},
    "/admin/users/new": {"username": "fuzzed", "display_name": "新账号", "role": "quality", "hospital": "{hospital}",
                         "password": "correct-horse-43"},
    "/admin/users/{other_user}/active": {"active": "1"},
    "/admin/users/{other_user}/password": {"password": "correct-horse-44"},
}


@pytest.fixture
def world(make_app):
    """The office world (every role, two hospitals) with an urgent comment and a problem list; sign-in limits
    raised so that fuzzing the password check is not cut short by the lock-out."""
    app = make_app(LOGIN_LIMIT_USER="100000/minute", LOGIN_LIMIT_IP="100000/minute")
    with app.app_context():
        w = make_world()
        response = add_response(w.card_point, at("2025-10"), scores={"overall": 2}, comment="护士态度差，电话13812345678",
                                themes={"attitude": "neg"}, urgent="safety", contact="13812345678")
        plist = make_list(w.h1, w.card, "2025-10", {"status": "draft"}, {"status": "draft", "key": "theme:x"},
                          {"status": "in_progress", "key": "theme:y", "measure": "m", "owner_office": "o",
                           "deadline": date(2025, 1, 31)})
        alert = _db.session.scalar(select(UrgentAlert.id).where(UrgentAlert.comment_id == response.comment.id))
        yield app, {"comment": response.comment.id, "alert": alert, "list": plist.id, "draft": plist.items[0].id,
                    "item": plist.items[2].id, "hospital": w.h1.id, "department": w.card.id,
                    "other_user": w.users["quality2"].id}


@pytest.fixture
def staff(world):
    """Signed-in clients of the quality office and of an administrator, and the world's ids."""
    app, ids = world
    clients = {}
    for username in ("quality", "admin"):
        clients[username] = app.test_client()
        login(clients[username], username)
    return clients, ids


def snapshot(failed_sign_ins_audited: bool = False) -> dict[str, list[str]]:
    """Every row of every table, as text: a refused request must leave this exactly as it was (except, with
    FAILED_SIGN_INS_AUDITED, the audit events a failed or locked-out sign-in writes)."""
    _db.session.expire_all()
    rows = {table.name: sorted(repr(tuple(row)) for row in _db.session.execute(table.select()))
            for table in _db.metadata.sorted_tables}
    if failed_sign_ins_audited:
        rows["audit_events"] = [row for row in rows["audit_events"]
                                if "'login_failed'" not in row and "'login_locked'" not in row]
    return rows


def check(reply, what) -> None:
    """A designed page (a 503 would mean a database error on input the app should have refused), and no
    markup of ours rendered raw."""
    assert reply.status_code in DESIGNED, (reply.status_code, what)
    if reply.mimetype == "text/html":
        html = reply.get_data(as_text=True)
        assert not [p for p in PAYLOADS if p in html], what


def fill(value: str, ids: dict) -> str:
    """VALUE, or the world's id if VALUE is a placeholder such as '{item}'."""
    name = value[1:-1] if value.startswith("{") and value.endswith("}") else None
    return str(ids[name]) if name in ids else value


def draw_pairs(data, names: list[str], ids: dict) -> list[tuple[str, str]]:
    """(name, value) pairs: any of NAMES, a few of them repeated, and a few stray parameters."""
    shaped = {name: st.one_of(value_for(name), st.sampled_from(PLACEHOLDERS)) for name in names}
    pairs = list(data.draw(st.fixed_dictionaries({}, optional=shaped), label="fields").items())
    if names:
        pairs += data.draw(st.lists(st.tuples(st.sampled_from(names), values), max_size=2), label="repeated")
    pairs += data.draw(st.lists(st.tuples(st.sampled_from(STRAY), values), max_size=2), label="stray")
    return [(name, fill(value, ids)) for name, value in pairs]


def _csrf_field(app, client, mode: str, page: str = "/staff/login") -> dict:
    """The csrf_token field for MODE: the client's own (read from PAGE), none, empty, made up, another
    session's, or altered."""
    if mode == "missing":
        return {}
    if mode == "empty":
        return {"csrf_token": ""}
    if mode == "forged":
        return {"csrf_token": "IjAxMjM0NTY3ODlhYmNkZWYi.forged.signature"}
    if mode == "other-session":
        return {"csrf_token": hidden_fields(app.test_client().get("/staff/login").get_data(as_text=True))["csrf_token"]}
    token = hidden_fields(client.get(page).get_data(as_text=True))["csrf_token"]
    return {"csrf_token": token if mode == "valid" else token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")}


@FUZZ
@given(username=st.one_of(values, st.text(min_size=65, max_size=3000), st.just("quality")),
       password=st.one_of(values, st.text(min_size=257, max_size=3000)),
       csrf=st.sampled_from(["valid"] * 4 + ["missing", "empty", "forged", "other-session", "mangled"]),
       next_url=values)
def test_sign_in_with_hostile_credentials_never_crashes(world, username, password, csrf, next_url):
    """Random, oversized, NUL-holding and markup usernames and passwords, with any CSRF token: a 4xx page, no
    session, no row written; without a valid token always 400."""
    app, _ids = world
    client = app.test_client()
    before, audited = snapshot(failed_sign_ins_audited=True), len(snapshot()["audit_events"])
    form = {"username": username, "password": password, **_csrf_field(app, client, csrf)}
    reply = client.post("/staff/login?" + urlencode({"next": next_url}), data=form)
    check(reply, (username[:40], csrf))
    assert reply.status_code != 302, "a random password signed in"
    if csrf != "valid":
        assert reply.status_code == 400
        assert len(snapshot()["audit_events"]) == audited, "a refused form is not even an attempt"
    assert client.get("/staff/account").status_code == 302
    assert snapshot(failed_sign_ins_audited=True) == before


@FUZZ
@given(raw=st.binary(max_size=300), charset=st.sampled_from(["", "; charset=latin-1", "; charset=utf-16",
                                                             "; charset=nonsense"]),
       multipart=st.booleans())
def test_sign_in_with_mis_encoded_bodies_never_crashes(world, raw, charset, multipart):
    """Raw and percent-encoded invalid UTF-8 in the sign-in form (valid CSRF token): a 4xx page, nothing written."""
    app, _ids = world
    client = app.test_client()
    token = hidden_fields(client.get("/staff/login").get_data(as_text=True))["csrf_token"]
    before = snapshot(failed_sign_ins_audited=True)
    body = b"csrf_token=" + token.encode() + b"&username=" + quote_from_bytes(raw).encode() + b"&password=" + raw
    kind = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    reply = client.post("/staff/login", data=body, content_type=kind + charset)
    check(reply, (raw[:40], charset))
    assert reply.status_code != 302 and snapshot(failed_sign_ins_audited=True) == before


@FUZZ
@given(page=st.sampled_from(sorted(OFFICE_PAGES)), data=st.data())
def test_office_and_dashboard_query_strings_never_crash(staff, page, data):
    """The quality office's list, filter, export and dashboard pages under random, repeated, huge, NUL and
    markup query parameters (months like 2026-13 or 9999-12, pages like 2**63): a page or a 4xx, never a 500."""
    clients, ids = staff
    query = urlencode(draw_pairs(data, OFFICE_PAGES[page], ids))
    check(clients["quality"].get(f"{page}?{query}"), (page, query[:300]))


@FUZZ
@given(page=st.sampled_from(sorted(ADMIN_PAGES)), data=st.data())
def test_admin_query_strings_never_crash(staff, page, data):
    """The administrator's account list, audit-log filters and the commission view under random query strings."""
    clients, ids = staff
    query = urlencode(draw_pairs(data, ADMIN_PAGES[page], ids))
    check(clients["admin"].get(f"{page}?{query}"), (page, query[:300]))


@FUZZ
@given(page=st.sampled_from(RECORD_PAGES), record=ids, who=st.sampled_from(["quality", "admin"]))
def test_record_pages_with_odd_ids_never_crash(staff, page, record, who):
    """Ids that do not exist, are negative, huge (2**70) or not integers: a 404, never a 500."""
    clients, _ids = staff
    check(clients[who].get(page.format(id=quote(record, safe="%"))), (page, record))


def test_numbers_beyond_the_integer_columns_are_refused(staff):
    """Ids past 32 and 64 bits on every record page (GET) and every record form (POST) are a 404; as page
    numbers they show a page of the list, as filters they are ignored or a 404."""
    clients, ids = staff
    client = clients["admin"]
    token = csrf_of(client, "/staff/account")
    for record in BOUNDARY_IDS:
        for page in LISTS:
            assert client.get(f"{page}page={record}").status_code == 200, (page, record)
        for page in ID_FILTERS:
            assert client.get(f"{page}{record}").status_code in (200, 404), (page, record)
        for page in RECORD_PAGES:
            assert client.get(page.format(id=record)).status_code == 404, (page, record)
        for path, _names in POSTS + ADMIN_POSTS:
            if "{" in path:
                url = path.format(**{name: record for name in ids})
                assert client.post(url, data={"csrf_token": token}).status_code == 404, url


def test_known_nasty_values_in_every_query_parameter(staff):
    """Each parameter each page reads gets each value of NASTY in turn (NUL, the months 9999-12 and 0001-01,
    half-year 99999, ids past 32 and 64 bits, 5,000 characters, markup): a page or a 4xx."""
    clients, _ids = staff
    for page, names in {**OFFICE_PAGES, **ADMIN_PAGES}.items():
        client = clients["admin" if page in ADMIN_PAGES else "quality"]
        for name in names or ["page"]:
            for value in NASTY:
                check(client.get(f"{page}?{urlencode({name: value})}"), (page, name, value[:20]))


def test_known_nasty_values_in_every_form_field(staff):
    """Each field of each form, the others filled in validly, gets each value of NASTY in turn (valid CSRF
    token): a redirect or a 4xx page, never a 500 or the database-unavailable page."""
    clients, ids = staff
    for path, names in POSTS + ADMIN_POSTS:
        client = clients["admin" if path.startswith("/admin/") else "quality"]
        token = csrf_of(client, "/staff/account")
        valid = {name: fill(value, ids) for name, value in VALID.get(path, {}).items()}
        for name in dict.fromkeys(names):
            for value in NASTY:
                form = {"csrf_token": token, **valid, name: value}
                check(client.post(path.format(**ids), data=form), (path, name, value[:20]))


@FUZZ
@given(target=st.sampled_from(POSTS + ADMIN_POSTS), data=st.data())
def test_staff_forms_with_hostile_values_never_crash(staff, target, data):
    """Every office and admin form, with a valid CSRF token and hostile field values (NUL, huge, unicode,
    wrong types, months like 9999-12, dates like 2026-02-30, ids of nothing): a redirect or a 4xx page."""
    clients, ids = staff
    path, names = target
    client = clients["admin" if path.startswith("/admin/") else "quality"]
    token = csrf_of(client, "/staff/account")
    form = [("csrf_token", token), *draw_pairs(data, names, ids)]
    reply = client.post(path.format(**ids), data=urlencode(form), content_type="application/x-www-form-urlencoded")
    check(reply, (path, form))


@FUZZ
@given(target=st.sampled_from(POSTS + ADMIN_POSTS + [("/staff/logout", [])]), who=st.sampled_from(["quality", "admin"]),
       csrf=st.sampled_from(["missing", "empty", "forged", "other-session", "mangled", "in-query", "header",
                             "forged-first"]),
       data=st.data())
def test_forged_or_missing_csrf_token_changes_nothing(staff, world, target, who, csrf, data):
    """A staff POST without its session's CSRF token is refused with 400 before the view runs: no row of any
    table changes, and a forged sign-out leaves the user signed in."""
    app, _ = world
    clients, ids = staff
    client = clients[who]
    path, names = target
    token = csrf_of(client, "/staff/account")
    form = draw_pairs(data, names, ids)
    headers, query = {}, ""
    if csrf in ("empty", "forged", "other-session", "mangled"):
        form.insert(0, ("csrf_token", _csrf_field(app, client, csrf, "/staff/account")["csrf_token"]))
    elif csrf == "in-query":
        query = "?" + urlencode({"csrf_token": token})  # the token belongs in the body, not in a link
    elif csrf == "header":
        headers["X-CSRFToken"] = token[:-3] + "xyz"
    elif csrf == "forged-first":
        form = [("csrf_token", "forged"), ("csrf_token", token), *form]
    form = [(name, value) for name, value in form if name != "csrf_token" or csrf != "missing"]
    before = snapshot()
    reply = client.post(path.format(**ids) + query, data=urlencode(form), headers=headers,
                        content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 400, (path, csrf, reply.status_code)
    assert snapshot() == before, (path, csrf)
    assert client.get("/staff/account").status_code == 200


def test_markup_typed_into_staff_pages_comes_back_escaped(staff, world):
    """A username, a comment search, audit filters and a progress note holding markup are shown as text."""
    app, _ = world
    clients, ids = staff
    attack = PAYLOADS[0]
    anonymous = app.test_client()
    token = hidden_fields(anonymous.get("/staff/login").get_data(as_text=True))["csrf_token"]
    clients["quality"].post("/office/comments", data={"csrf_token": csrf_of(clients["quality"], "/office/comments"),
                                                      "q": attack})
    pages = [anonymous.post("/staff/login", data={"csrf_token": token, "username": attack, "password": PASSWORD}),
             clients["quality"].get("/office/comments"),
             clients["admin"].get("/admin/audit?" + urlencode({"entity": attack, "action": attack}))]
    quality = clients["quality"]
    note = quality.post(f"/office/items/{ids['item']}/notes",
                        data={"csrf_token": csrf_of(quality, "/staff/account"), "text": attack})
    assert note.status_code == 302
    pages.append(quality.get(f"/office/items/{ids['item']}"))
    for page in pages:
        html = page.get_data(as_text=True)
        assert attack not in html and "&lt;script&gt;alert(" in html, page.request.path
