"""`flask followup ...`: import into a new campaign, send in this process, status, letters, close, purge; the
output never carries a patient's details."""

from __future__ import annotations

import json

from sqlalchemy import select

from survey_web.models import Invitation

from .conftest import patients, write_list


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["followup", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_operator_commands(fu_app, fu_db, hospital, gateway, tmp_path):
    rows = patients(3) + [["L1", "吴十", "", "W2", "2026-11-20"]]
    path = write_list(tmp_path / "list.csv", rows)
    imported = _run(fu_app, "import", str(path), "--hospital", "FU", "--name", "十二月")
    assert (imported["created"], imported["by_channel"]) == (4, {"sms": 3, "letter": 1})
    campaign = imported["campaign"]
    assert _run(fu_app, "import", str(path), "--campaign", str(campaign))["duplicates"] == 4
    sent = _run(fu_app, "send", "--here")
    assert sent["sms"]["sent"] == 3 and sent["letter"]["sent"] == 1
    (status,) = _run(fu_app, "status", "--campaign", str(campaign))
    assert (status["invited"], status["answered"]) == (4, 0)
    letters = _run(fu_app, "letters", str(campaign), "-o", str(tmp_path / "letters.pdf"))
    assert letters["letters"] == 1 and (tmp_path / "letters.pdf").read_bytes().startswith(b"%PDF")
    assert _run(fu_app, "ward", "W2", "--hospital", "FU", "--days", "5") == {"department": "W2", "delay_days": 5}
    assert _run(fu_app, "close", str(campaign))["dropped_messages"] == 4  # the four reminders
    output = json.dumps([imported, sent, status, letters], ensure_ascii=False)
    for number, name, phone, _ward, _day in rows:
        assert number not in output and name not in output and (not phone or phone not in output)


def test_a_file_without_the_columns_is_a_clear_error(fu_app, hospital, tmp_path):
    path = write_list(tmp_path / "bad.csv", [["x"]], header=["姓名"])
    result = fu_app.test_cli_runner().invoke(args=["followup", "import", str(path), "--hospital", "FU",
                                                   "--name", "坏文件"])
    assert result.exit_code != 0 and "columns not found" in result.output


def test_purge_after_retention_days(fu_app, fu_db, hospital, tmp_path):
    path = write_list(tmp_path / "list.csv", patients(2))
    campaign = _run(fu_app, "import", str(path), "--hospital", "FU", "--name", "短保留")["campaign"]
    from survey_web.models import Campaign

    fu_db.session.get(Campaign, campaign).retention_days = 0
    fu_db.session.commit()
    _run(fu_app, "close", str(campaign))
    assert _run(fu_app, "purge") == {"purged": {str(campaign): 2}}
    fu_db.session.expire_all()
    assert fu_db.session.scalars(select(Invitation.phone_encrypted)).all() == [None, None]
