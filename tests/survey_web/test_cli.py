"""Operator commands: demo, points, qr, banks, kiosk."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from survey_web.extensions import db as _db
from survey_web.models import BankVersion, Comment, Department, Response, SurveyPoint

from ..factories import make_point


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_demo_is_idempotent_and_covers_the_hospital(app, db):
    """`flask demo` builds 4+ departments and 8+ points with classified comments; a second run adds nothing."""
    first = run(app, "demo", "--days", "6", "--per-day", "20")
    responses = _db.session.scalar(select(func.count(Response.id)))
    tokens = dict(_db.session.execute(select(SurveyPoint.code, SurveyPoint.token)).all())
    second = run(app, "demo", "--days", "6", "--per-day", "20")
    assert "new responses" in first and " 0 new responses" in second
    assert _db.session.scalar(select(func.count(Response.id))) == responses > 60
    assert dict(_db.session.execute(select(SurveyPoint.code, SurveyPoint.token)).all()) == tokens
    kinds = set(_db.session.scalars(select(Department.kind)))
    assert {"outpatient", "inpatient", "emergency", "pharmacy"} <= kinds
    assert _db.session.scalar(select(func.count(Department.id)).where(Department.kind == "inpatient")) >= 2
    assert len(tokens) >= 8
    assert _db.session.scalar(select(func.count(Comment.id)).where(Comment.status == "pending")) == 0
    assert _db.session.scalar(select(func.count(Comment.id))) > 0


def test_points_json_gives_one_object_per_point(app, db):
    """`flask points --json` prints id, name, department, bank and the full URL for each point."""
    point = make_point("emergency", name="急诊大厅")
    rows = [json.loads(line) for line in run(app, "points", "--json").splitlines()]
    assert rows == [{"id": point.id, "code": point.code, "name": "急诊大厅", "department": "内科",
                     "department_code": point.department.code, "hospital": "测试市人民医院",
                     "bank": "emergency", "url": f"http://survey.test/s/{point.token}"}]


def test_reissue_revokes_the_old_code(app, db, client):
    """`flask points reissue CODE` makes the old URL a 404 and prints the new one."""
    point = make_point()
    old = point.token
    output = run(app, "points", "reissue", point.code)
    _db.session.expire_all()
    assert client.get(f"/s/{old}").status_code == 404
    assert point.token in output and client.get(f"/s/{point.token}").status_code == 200


def test_qr_writes_png_svg_and_a_printable_sheet(app, db, tmp_path):
    """`flask qr --out DIR` writes a PNG and SVG per point and one A4 sheet naming hospital and ward."""
    from PIL import Image

    point = make_point(name="骨科病房床旁")
    run(app, "qr", "--out", str(tmp_path))
    png = tmp_path / f"{point.code}.png"
    assert Image.open(png).size[0] >= 300
    assert (tmp_path / f"{point.code}.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    sheet = (tmp_path / "print-a4.html").read_text(encoding="utf-8")
    assert "测试市人民医院" in sheet and "骨科病房床旁" in sheet and "请扫码评价" in sheet
    assert "size: A4" in sheet and point.token in sheet


def test_qr_code_decodes_to_the_point_url(app, db, tmp_path):
    """The PNG really encodes the point's URL: decoded back with a QR reader (zxing-cpp, a test dependency)."""
    import zxingcpp
    from PIL import Image

    point = make_point()
    run(app, "qr", "--out", str(tmp_path))
    decoded = zxingcpp.read_barcodes(Image.open(tmp_path / f"{point.code}.png"))
    assert decoded[0].text == f"http://survey.test/s/{point.token}"


def test_banks_sync_stores_one_version_per_bank(app, db, monkeypatch):
    """`flask banks sync` stores each bank once; running it again adds no version."""
    from survey_web import speech

    # Read-aloud clips have their own tests (test_speech.py); rendering all 244 here would take minutes and
    # leave them in the shared test instance, where later pages would carry them.
    monkeypatch.setattr(speech, "render_clips", lambda pairs: (0, len(list(pairs))))
    run(app, "banks", "sync")
    run(app, "banks", "sync")
    codes = _db.session.scalars(select(BankVersion.code)).all()
    assert sorted(codes) == sorted(app.extensions["banks"]) and len(codes) >= 5
