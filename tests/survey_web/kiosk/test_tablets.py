"""Tablets as an administrator manages them: expiring POST-confirmed enrolment, rename, revoke, cookie life."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_web.extensions import db as _db
from survey_web.models import AuditEvent, KioskDevice, Response, utcnow

from ...factories import GOOD_ANSWERS, Respondent, make_point
from .helpers import Tablet, enrol, field, make_volunteer, ready_tablet


def enrol_link(app, name: str = "5楼平板") -> str:
    url = app.test_cli_runner().invoke(args=["kiosk", "enrol", name]).output.strip()
    return url.replace(app.config["PUBLIC_BASE_URL"], "")


def device(name: str = "5楼平板") -> KioskDevice:
    _db.session.expire_all()
    return _db.session.scalar(select(KioskDevice).where(KioskDevice.name == name))


def admin_client(app):
    make_volunteer("boss", role="admin")
    client = Tablet(app, register=False)
    assert client.sign_in("boss").status_code == 302
    return client.client


def admin_csrf(client) -> str:
    return field(client.get("/admin/tablets").get_data(as_text=True), "csrf_token")


def test_enrol_link_is_spent_only_by_the_confirming_post(app, db):
    """A link previewer's GETs spend nothing; the POST registers the tablet; the link then stops working."""
    path = enrol_link(app)
    previewer, tablet = app.test_client(), app.test_client()
    for _ in range(2):
        page = previewer.get(path)
        assert page.status_code == 200 and "5楼平板" in page.get_data(as_text=True)
        assert "kiosk" not in {c.key for c in previewer._cookies.values()}
    assert device().device_hash is None
    assert tablet.post(path, data={}).status_code == 400, "the confirmation needs its CSRF token"
    assert enrol(tablet, path).status_code == 200
    assert device().device_hash is not None and device().enrolled_at is not None
    assert enrol(previewer, path).status_code == 404, "spent"


def test_enrol_link_expires(app, db):
    """An unused link stops working after KIOSK_ENROL_HOURS; the page says so and the POST registers nothing."""
    path = enrol_link(app)
    kiosk = device()
    assert kiosk.enrol_expires_at is not None
    kiosk.enrol_expires_at = utcnow() - timedelta(minutes=1)
    _db.session.commit()
    tablet = app.test_client()
    page = tablet.get(path)
    assert page.status_code == 410 and "已过期" in page.get_data(as_text=True)
    assert enrol(tablet, path).status_code == 410
    assert device().device_hash is None


def test_tablet_cookie_is_short_lived_and_kept_to_kiosk_pages(app, db):
    """The cookie lasts KIOSK_DEVICE_DAYS (not five years), is sent only to /kiosk/, and ends server-side too."""
    point = make_point()
    make_volunteer()
    tablet = Tablet(app, register=False)
    path = enrol_link(app, "6楼平板")
    page = tablet.client.get(path).get_data(as_text=True)
    reply = tablet.client.post(path, data={"csrf_token": field(page, "csrf_token")})
    cookie = reply.headers["Set-Cookie"]
    assert "Max-Age=2592000" in cookie and "Path=/kiosk/" in cookie and "HttpOnly" in cookie
    tablet.sign_in()
    tablet.choose(point)
    assert tablet.send(tablet.payload(GOOD_ANSWERS)).status_code == 201
    kiosk = device("6楼平板")
    kiosk.device_expires_at = utcnow() - timedelta(seconds=1)  # left unused for 30 days
    _db.session.commit()
    assert tablet.client.get("/kiosk/status").get_json()["kiosk"] is None
    assert tablet.send({"kiosk_token": "x"}).get_json()["status"] == "not_kiosk"


def test_tablet_cookie_lives_on_while_volunteers_use_the_tablet(app, db):
    """Each use by a signed-in volunteer pushes the tablet's expiry a full period ahead."""
    make_volunteer()
    tablet = Tablet(app)
    kiosk = device()
    kiosk.device_expires_at = utcnow() + timedelta(days=2)
    _db.session.commit()
    tablet.sign_in()
    reply = tablet.client.get("/kiosk/")
    assert "Max-Age=2592000" in reply.headers.get("Set-Cookie", "")
    assert device().device_expires_at.replace(tzinfo=None) > (utcnow() + timedelta(days=29)).replace(tzinfo=None)


def test_enrolled_tablet_does_not_lift_the_one_per_phone_rule_on_the_public_survey(app, db):
    """A kiosk cookie, even one sent to every path as old tablets had, is no exemption on /s/<token>."""
    point = make_point()
    tablet = Tablet(app)
    secret = tablet.client.get_cookie("kiosk", path="/kiosk/").value
    tablet.client.set_cookie("kiosk", secret, path="/")
    phone = Respondent(app, point.token)
    phone.client = tablet.client
    assert phone.submit(GOOD_ANSWERS).status_code == 302
    assert phone.submit(GOOD_ANSWERS).status_code == 409
    assert len(_db.session.scalars(select(Response)).all()) == 1


def test_admin_revokes_a_tablet_and_it_is_refused_at_once(app, db):
    """After revocation the tablet's next request records nothing; the revocation is audited."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    queued = tablet.payload(GOOD_ANSWERS)
    admin = admin_client(app)
    reply = admin.post(f"/admin/tablets/{device().id}/revoke", data={"csrf_token": admin_csrf(admin)})
    assert reply.status_code == 302 and device().revoked_at is not None
    refused = tablet.send(queued)
    assert refused.status_code == 403 and refused.get_json()["status"] == "not_kiosk"
    assert tablet.client.get("/kiosk/interview").status_code == 302
    assert "本平板尚未登记" in tablet.client.get("/kiosk/").get_data(as_text=True)
    assert _db.session.scalars(select(Response)).all() == []
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "kiosk", AuditEvent.action == "revoke"))
    assert event.after == {"name": "5楼平板"}


def test_admin_renames_a_tablet_and_sets_its_idle_timeout(app, db):
    """The new name shows on the tablet and the interview page carries the tablet's own timeout."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    assert 'data-idle="300"' in tablet.interview_page(), "five minutes by default"
    admin = admin_client(app)
    reply = admin.post(f"/admin/tablets/{device().id}/settings",
                       data={"csrf_token": admin_csrf(admin), "name": "内科平板2号", "idle_minutes": "8"})
    assert reply.status_code == 302
    assert "内科平板2号" in tablet.client.get("/kiosk/").get_data(as_text=True)
    assert 'data-idle="480"' in tablet.interview_page()
    bad = admin.post(f"/admin/tablets/{device('内科平板2号').id}/settings",
                     data={"csrf_token": admin_csrf(admin), "name": "x", "idle_minutes": "0"})
    assert bad.status_code == 302 and device("内科平板2号").idle_seconds == 480


def test_admin_creates_a_tablet_and_sees_its_link_once(app, db):
    """The admin page makes a tablet with an expiring link that works on the tablet."""
    admin = admin_client(app)
    reply = admin.post("/admin/tablets", data={"csrf_token": admin_csrf(admin), "name": "急诊平板", "hours": "2"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "/kiosk/enrol/" in html
    link = html.split("/kiosk/enrol/", 1)[1].split("<", 1)[0]
    kiosk = device("急诊平板")
    left = kiosk.enrol_expires_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
    assert timedelta(hours=1, minutes=59) < left <= timedelta(hours=2)
    assert "/kiosk/enrol/" not in admin.get("/admin/tablets").get_data(as_text=True), "shown only once"
    assert enrol(app.test_client(), f"/kiosk/enrol/{link}").status_code == 200


def test_outbox_key_is_given_only_to_a_signed_in_volunteer_on_an_enrolled_tablet(app, db):
    """Each volunteer gets their own key on each tablet, the same every time they sign in there."""
    make_volunteer("a")
    make_volunteer("b")
    first, second = Tablet(app), Tablet(app, "6楼平板")
    assert "outbox_key" not in first.client.get("/kiosk/status").get_json()
    keys = []
    for tablet, user in ((first, "a"), (first, "b"), (second, "a")):
        tablet.sign_in(user)
        keys.append(tablet.client.get("/kiosk/status").get_json()["outbox_key"])
        tablet.sign_out()
    assert len(set(keys)) == 3
    first.sign_in("a")
    assert first.client.get("/kiosk/status").get_json()["outbox_key"] == keys[0]
    unregistered = Tablet(app, register=False)
    unregistered.sign_in("a")
    assert "outbox_key" not in unregistered.client.get("/kiosk/status").get_json()
