"""Kiosk interviews over HTTP: who may run them, what is recorded, and replays that store exactly once."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import Hospital, KioskDevice, Response, utcnow

from ...factories import GOOD_ANSWERS, make_point
from .helpers import Tablet, field, make_volunteer, ready_tablet


def responses() -> list[Response]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(Response).order_by(Response.id)))


def test_kiosk_pages_need_a_signed_in_volunteer(app, db):
    """Anonymous visitors go to sign-in (or get 401 as JSON); office staff get 403."""
    point = make_point()
    make_volunteer("quality", role="quality")
    tablet = Tablet(app)
    reply = tablet.client.get("/kiosk/")
    assert reply.status_code == 302 and "/staff/login" in reply.headers["Location"]
    assert tablet.client.get("/kiosk/interview").status_code == 302
    assert tablet.send({"kiosk_token": "x"}, csrf="").get_json() == {"status": "signed_out"}
    assert tablet.client.get("/kiosk/status").get_json()["signed_in"] is False
    tablet.sign_in("quality")
    assert tablet.client.get("/kiosk/").status_code == 403
    assert tablet.client.post("/kiosk/round", data={"point": point.id}).status_code in (400, 403)


def test_volunteer_lands_on_the_kiosk_and_picks_a_ward(app, db):
    """After sign-in a volunteer sees the wards and their bed areas; choosing one offers 'start'."""
    ward = make_point("inpatient", name="骨科护士站")
    make_point("inpatient", name="骨科病房床旁（A区）", department=ward.department)
    make_volunteer()
    tablet = Tablet(app)
    assert tablet.sign_in().headers["Location"].endswith("/kiosk/")
    html = tablet.client.get("/kiosk/").get_data(as_text=True)
    assert "选择病区" in html and "骨科护士站" in html and "骨科病房床旁（A区）" in html
    assert "开始访谈" not in html
    tablet.choose(ward)
    html = tablet.client.get("/kiosk/").get_data(as_text=True)
    assert "开始访谈" in html and "骨科护士站" in html and "5楼平板" in html


def test_volunteer_sees_and_picks_only_wards_of_their_hospital(app, db):
    """A point of another hospital is neither listed nor accepted."""
    own = make_point(name="本院病区")
    other = make_point(name="外院病区")
    make_volunteer(hospital=_db.session.get(Hospital, own.department.hospital_id))
    tablet = Tablet(app)
    tablet.sign_in()
    html = tablet.client.get("/kiosk/").get_data(as_text=True)
    assert "本院病区" in html and "外院病区" not in html
    assert tablet.choose(other).status_code == 400


def test_unregistered_tablet_cannot_start_interviews(app, db):
    """Interviews need a registered tablet: the start page says so and the interview page sends back."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point, register=False)
    assert "本平板尚未登记" in tablet.client.get("/kiosk/").get_data(as_text=True)
    assert tablet.client.get("/kiosk/interview").status_code == 302


def test_interview_is_stored_as_volunteer_assisted_with_volunteer_tablet_and_role(app, db):
    """Mode, volunteer, tablet and the respondent's role are recorded; the phone rule does not apply."""
    point = make_point()
    volunteer = make_volunteer()
    tablet = ready_tablet(app, point)
    for role in ("patient", "family", "family"):
        reply = tablet.send(tablet.payload({**GOOD_ANSWERS, "role": role}))
        assert reply.status_code == 201 and reply.get_json() == {"status": "stored"}
    rows = responses()
    kiosk = _db.session.scalar(select(KioskDevice))
    assert [r.role for r in rows] == ["patient", "family", "family"]
    assert {(r.mode, r.volunteer_id, r.kiosk_id, r.point_id, r.device_hash) for r in rows} == {
        ("volunteer_assisted", volunteer.id, kiosk.id, point.id, None)}
    assert rows[0].comment.text == GOOD_ANSWERS["q_comment"]
    assert tablet.client.get("/kiosk/status").get_json()["stored_today"] == 3


def test_replayed_interview_is_stored_exactly_once(app, db):
    """The same queued interview sent three times stores one response; the repeats say 'duplicate'."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    payload = tablet.payload(GOOD_ANSWERS)
    replies = [tablet.send(payload) for _ in range(3)]
    assert [r.status_code for r in replies] == [201, 200, 200]
    assert [r.get_json()["status"] for r in replies] == ["stored", "duplicate", "duplicate"]
    assert len(responses()) == 1


def test_round_token_counts_only_for_the_volunteer_it_was_issued_to(app, db):
    """A volunteer of another hospital cannot send (and so credit to someone else) another volunteer's page."""
    point = make_point()
    first = make_volunteer("xiaochen")
    other_hospital = Hospital(code="HX", name="另一家医院")
    make_volunteer("xiaoli", hospital=other_hospital)
    tablet = ready_tablet(app, point, username="xiaochen")
    queued = tablet.payload(GOOD_ANSWERS)
    tablet.sign_out()
    assert tablet.send(queued, csrf="").status_code == 401, "nobody signed in: kept on the tablet"
    tablet.sign_in("xiaoli")
    reply = tablet.send(queued)
    assert reply.status_code == 403 and reply.get_json()["status"] == "other_volunteer"
    assert responses() == []
    tablet.sign_out()
    tablet.sign_in("xiaochen")
    assert tablet.send(queued).status_code == 201
    assert [r.volunteer_id for r in responses()] == [first.id]


def test_round_token_of_a_volunteer_moved_to_another_hospital_is_refused(app, db):
    """Once the account belongs to another hospital, its rounds at the old hospital's points are refused."""
    point = make_point()
    volunteer = make_volunteer()
    tablet = ready_tablet(app, point)
    queued = tablet.payload(GOOD_ANSWERS)
    volunteer.hospital = Hospital(code="HY", name="调往的医院")
    _db.session.commit()
    reply = tablet.send(queued)
    assert reply.status_code == 403 and reply.get_json()["status"] == "other_hospital"
    assert responses() == []


def test_round_token_is_valid_a_day_so_interviews_cannot_be_backdated_by_weeks(app, db, monkeypatch):
    """A page issued two days ago is refused as expired instead of storing an interview dated back then."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    page = tablet.interview_page()
    started = float(field(page, "started"))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 2 * 86400)  # sent two days later
    assert tablet.sign_in().status_code == 302  # the staff session itself ended long ago
    reply = tablet.send(tablet.payload(GOOD_ANSWERS, page, finished=f"{started + 60}"))
    monkeypatch.setattr(time, "time", real)
    assert reply.status_code == 400 and reply.get_json()["status"] == "expired"
    assert responses() == []
    assert tablet.sign_in().status_code == 302 and tablet.choose(point).status_code == 303  # back to today
    fresh = tablet.interview_page()
    issued = float(field(fresh, "started"))
    assert tablet.send(tablet.payload(GOOD_ANSWERS, fresh, started=f"{issued - 86400}",
                                      finished=f"{issued - 86000}")).status_code == 201
    assert responses()[0].submitted_at.timestamp() >= issued - 61, "no earlier than the page was issued (-60 s skew)"


def test_stale_csrf_token_is_refused_until_a_fresh_one_is_fetched(app, db):
    """A token from before the session changed is refused with status 'csrf'; a fresh one works."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    old = tablet.csrf()
    payload = tablet.payload(GOOD_ANSWERS)
    tablet.sign_out()
    tablet.sign_in()
    reply = tablet.send(payload, csrf=old)
    assert reply.status_code == 400 and reply.get_json()["status"] == "csrf"
    assert tablet.send(payload, csrf="").get_json()["status"] == "csrf"
    assert responses() == []
    assert tablet.send(payload).status_code == 201


def test_altered_or_missing_round_token_is_refused_with_a_message(app, db):
    """A damaged page cannot store anything; the refusal carries a message for the volunteer."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    good = tablet.payload(GOOD_ANSWERS)
    for token in ("", "x.y.z", good["kiosk_token"][:-2] + "AA"):
        reply = tablet.send({**good, "kiosk_token": token})
        assert reply.status_code == 400 and reply.get_json()["status"] == "tampered"
        assert "无法接收" in reply.get_json()["message"]
    reply = tablet.send({**good, "submission_key": "not-a-key"})
    assert reply.get_json()["status"] == "tampered"
    assert responses() == []


def test_round_token_older_than_the_limit_is_refused(make_app, db):
    """Past KIOSK_ROUND_MAX_AGE a queued interview is refused as expired, not stored."""
    app = make_app(KIOSK_ROUND_MAX_AGE=1)
    with app.app_context():
        point = make_point()
        make_volunteer()
        tablet = ready_tablet(app, point)
        payload = tablet.payload(GOOD_ANSWERS)
        time.sleep(2.1)
        reply = tablet.send(payload)
        assert reply.status_code == 400 and reply.get_json()["status"] == "expired"
        assert responses() == []


def test_interview_from_another_tablet_or_a_revoked_one_is_refused(app, db):
    """A round token only counts on the tablet it was issued to, and only while that tablet is registered."""
    point = make_point()
    make_volunteer()
    first = ready_tablet(app, point)
    second = Tablet(app, "6楼平板")
    second.sign_in()
    payload = first.payload(GOOD_ANSWERS)
    assert second.send(payload).get_json()["status"] == "other_kiosk"
    for kiosk in _db.session.scalars(select(KioskDevice)):
        kiosk.revoked_at = utcnow()
    _db.session.commit()
    reply = first.send(payload)
    assert reply.status_code == 403 and reply.get_json()["status"] == "not_kiosk"
    assert responses() == []


def test_invalid_interview_gets_field_errors_and_nothing_is_stored(app, db):
    """Without a role, or empty, the tablet gets field errors to show; nothing half-stored."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    reply = tablet.send(tablet.payload({k: v for k, v in GOOD_ANSWERS.items() if k != "role"}))
    body = reply.get_json()
    assert reply.status_code == 422 and body["status"] == "invalid"
    assert "请选择您是患者本人还是家属" in body["errors"]["role"][0]
    reply = tablet.send(tablet.payload({"role": "patient"}))
    assert reply.status_code == 422 and "请至少回答一题" in reply.get_json()["message"]
    assert responses() == []


def test_finish_time_recorded_on_the_tablet_is_kept_within_bounds(app, db):
    """An interview finished offline keeps its finish time; a tablet clock in the future is capped at now."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    page = tablet.interview_page()
    started = float(field(page, "started"))
    time.sleep(2)  # the network was down for a while after the interview was finished
    tablet.send(tablet.payload(GOOD_ANSWERS, page, started=f"{started + 0.1}", finished=f"{started + 0.3}"))
    tablet.send(tablet.payload(GOOD_ANSWERS, page, finished=f"{time.time() + 86400}"))
    early, future = responses()
    assert abs(early.submitted_at.timestamp() - (started + 0.3)) < 0.1
    assert abs(early.started_at.timestamp() - (started + 0.1)) < 0.1
    assert started + 1.9 < future.submitted_at.timestamp() <= time.time() + 0.1


def test_interview_works_without_javascript(app, db):
    """A plain form post (no outbox) stores, redirects to a clean start, and a resend stores nothing."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    page = tablet.interview_page()
    data = {"csrf_token": field(page, "csrf_token"), "kiosk_token": field(page, "kiosk_token"),
            "submission_key": field(page, "submission_key"), "started": field(page, "started"), **GOOD_ANSWERS}
    for _ in range(2):
        reply = tablet.client.post("/kiosk/interview", data=data)
        assert reply.status_code == 303 and reply.headers["Location"].endswith("/kiosk/?done=saved")
    assert len(responses()) == 1
    start = tablet.client.get("/kiosk/?done=saved").get_data(as_text=True)
    assert "访谈已保存" in start and GOOD_ANSWERS["q_comment"] not in start


def test_expired_page_without_javascript_keeps_the_answers(app, db):
    """A stale CSRF field re-renders the interview with the answers and the same key; nothing stored."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    page = tablet.interview_page()
    data = {"csrf_token": "stale", "kiosk_token": field(page, "kiosk_token"),
            "submission_key": field(page, "submission_key"), **GOOD_ANSWERS}
    reply = tablet.client.post("/kiosk/interview", data=data)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "页面已过期" in html and GOOD_ANSWERS["q_comment"] in html
    assert field(html, "submission_key") == data["submission_key"]
    assert responses() == []


def test_interview_page_is_private_and_never_cached(app, db):
    """The interview page is no-store, has autocomplete off and carries no previous answers."""
    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    tablet.send(tablet.payload(GOOD_ANSWERS))
    reply = tablet.client.get("/kiosk/interview")
    html = reply.get_data(as_text=True)
    assert reply.headers["Cache-Control"] == "no-store"
    assert 'autocomplete="off"' in html and GOOD_ANSWERS["q_comment"] not in html
    assert not re.search(r"<input[^>]*\schecked", html), "no answer is pre-selected"


def test_service_worker_is_served_with_the_kiosk_scope(app, db, client):
    """/kiosk/sw.js is JavaScript, revalidated on every load, and limited to /kiosk/."""
    reply = client.get("/kiosk/sw.js")
    assert reply.status_code == 200 and reply.mimetype == "text/javascript"
    assert reply.headers["Cache-Control"] == "no-cache" and reply.headers["Service-Worker-Allowed"] == "/kiosk/"
    assert b"kiosk-pages" in reply.data


def test_status_gives_a_fresh_csrf_token_only_to_volunteers(app, db):
    """The outbox asks /kiosk/status before sending: signed in, a CSRF token, today's count; never cached."""
    point = make_point()
    make_volunteer()
    tablet = Tablet(app)
    anonymous = tablet.client.get("/kiosk/status")
    assert anonymous.get_json() == {"signed_in": False, "kiosk": "5楼平板"}
    tablet.sign_in()
    tablet.choose(point)
    body = tablet.client.get("/kiosk/status").get_json()
    assert body["signed_in"] and body["csrf"] and body["stored_today"] == 0
    assert anonymous.headers["Cache-Control"] == "no-store"
    assert _db.session.scalar(select(func.count(Response.id))) == 0


def test_interviews_get_receipt_codes_the_respondent_can_use(app, db):
    """The tablet's own code (drawn offline-capable in kiosk.js) and, without JavaScript, one the server draws
    and shows on the start page: both open the interview at /receipt, stored only as a keyed hash."""
    from survey_web.privacy import receipts

    from ..privacy.helpers import receipt_post

    point = make_point()
    make_volunteer()
    tablet = ready_tablet(app, point)
    drawn = "K7QM-4XRT-9B2D"
    assert tablet.send(tablet.payload({**GOOD_ANSWERS, "receipt": drawn})).status_code == 201
    page = tablet.interview_page()
    data = {"csrf_token": field(page, "csrf_token"), "kiosk_token": field(page, "kiosk_token"),
            "submission_key": field(page, "submission_key"), "started": field(page, "started"), **GOOD_ANSWERS}
    assert tablet.client.post("/kiosk/interview", data=data).status_code == 303
    start = tablet.client.get("/kiosk/?done=saved").get_data(as_text=True)
    shown = re.search(r"data-receipt-code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<", start).group(1)
    assert "data-receipt-code></p>" in tablet.client.get("/kiosk/").get_data(as_text=True), "shown once"
    hashes = {r.receipt_hash for r in responses()}
    assert hashes == {receipts.hashed(drawn), receipts.hashed(shown)}
    respondent = app.test_client()
    for code in (drawn, shown):
        reply = receipt_post(respondent, "/receipt", code)
        assert reply.status_code == 200 and GOOD_ANSWERS["q_comment"] in reply.get_data(as_text=True)
