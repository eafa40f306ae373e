"""Importing the discharge list: encrypted contacts, keyed 住院号 hashes, re-imports, mapping, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from survey_web import timeutil
from survey_web.campaigns import links
from survey_web.campaigns.importing import BadImport, import_file
from survey_web.models import Invitation, Message, OptOut

from .conftest import contains_anywhere, imported, patients, write_list


def test_import_stores_contacts_encrypted_and_the_admission_number_only_hashed(campaign, fu_db, tmp_path):
    """Names and numbers are not readable in any column; the 住院号 is not stored at all, only its keyed hash."""
    report = imported(campaign, tmp_path, patients(3))
    assert (report.created, report.duplicates, report.by_channel) == (3, 0, {"sms": 3})
    for needle in ("13900000001", "患者0001"):
        assert not contains_anywhere(needle, decrypting=False), needle
    assert not contains_anywhere("ZY100000")
    assert contains_anywhere("13900000000")  # readable with the contact key, for sending only


def test_a_re_import_adds_only_new_patients(campaign, fu_db, tmp_path):
    """The same list again adds nothing; a longer list adds only the new rows."""
    imported(campaign, tmp_path, patients(3))
    again = imported(campaign, tmp_path, patients(4))
    assert (again.created, again.duplicates) == (1, 3)
    assert fu_db.session.scalar(select(func.count(Invitation.id))) == 4
    assert fu_db.session.scalar(select(func.count(Message.id))) == 4


def test_invitation_is_due_the_wards_days_after_discharge_at_ten(campaign, fu_db, tmp_path):
    """Default 3 days after discharge at 10:00 hospital time; a ward set to 5 days waits 5."""
    from survey_web.models import FollowupWard

    from .conftest import ward_ids

    fu_db.session.add(FollowupWard(department_id=ward_ids()["W2"], delay_days=5))
    fu_db.session.commit()
    imported(campaign, tmp_path, patients(1, days_ago=1) + patients(1, ward="W2", days_ago=1, start=1))
    due = [timeutil.local(timeutil.as_utc(d)) for d in
           fu_db.session.scalars(select(Message.due_at).order_by(Message.id))]
    discharged = timeutil.today() - timedelta(days=1)
    assert [(d.date() - discharged).days for d in due] == [3, 5]
    assert all(d.hour == 10 for d in due)


def test_xlsx_with_a_column_mapping(campaign, fu_db, tmp_path):
    """An XLSX export with the hospital's own headers, mapped by a small YAML file; e-mail picks the channel."""
    book = Workbook()
    sheet = book.active
    sheet.append(["病案号", "患者", "手机", "出院病区", "出院时间", "邮箱"])
    sheet.append(["A1", "张三", "", "心内科病区", timeutil.today(), "zhang@example.cn"])
    sheet.append(["A2", "李四", "+86 139-0000-1111", "W2", "2026/11/30", ""])
    path = tmp_path / "list.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("admission_no: 病案号\nname: 患者\nphone: 手机\nward: 出院病区\n"
                       "discharged_on: 出院时间\nemail: 邮箱\n", encoding="utf-8")
    report = import_file(campaign, path, mapping)
    assert report.created == 2 and report.by_channel == {"email": 1, "sms": 1}


def test_bad_rows_are_refused_by_row_number_and_reason_only(campaign, tmp_path):
    """Unknown ward, bad date, missing 住院号: refused with the row number, never the row's contents."""
    rows = [["", "王五", "13900002222", "W1", "2026-11-30"], ["Z2", "赵六", "13900003333", "急诊", "2026-11-30"],
            ["Z3", "钱七", "13900004444", "W1", "三十日"], ["Z4", "孙八", "12345", "W1", "2026-11-30"]]
    report = imported(campaign, tmp_path, rows)
    assert report.refused == [(2, "no_admission_no"), (3, "unknown_ward"), (4, "bad_date"), (5, "bad_contact_letter")]
    assert report.by_channel == {"letter": 1}  # a bad number: invited by letter, and the office is told
    assert "王五" not in str(report.as_dict()) and "13900002222" not in str(report.as_dict())


def test_a_file_without_the_required_columns_is_refused_whole(campaign, tmp_path):
    with pytest.raises(BadImport, match="admission_no"):
        import_file(campaign, write_list(tmp_path / "x.csv", [["a", "b"]], header=["姓名", "电话"]))


def test_gb18030_csv_from_the_his_is_read(campaign, tmp_path):
    path = tmp_path / "gbk.csv"
    rows = patients(2)
    path.write_bytes(("住院号,姓名,联系电话,病区,出院日期\n" + "\n".join(",".join(r) for r in rows)).encode("gb18030"))
    assert import_file(campaign, path).created == 2


def test_an_opted_out_number_gets_no_invitation_in_a_later_campaign(campaign, hospital, fu_db, tmp_path):
    """退订 is for good: the number's keyed hash stops every later import from inviting it."""
    from survey_web.campaigns import lifecycle

    imported(campaign, tmp_path, patients(2))
    first = fu_db.session.scalars(select(Invitation).order_by(Invitation.id)).first()
    links.opt_out(first)
    assert fu_db.session.scalar(select(func.count()).select_from(OptOut)) == 1
    later = lifecycle.create(hospital, "下一批")
    report = imported(later, tmp_path, patients(2))
    assert (report.created, report.opted_out) == (2, 1)
    assert fu_db.session.scalar(select(func.count(Message.id)).join(Invitation).where(
        Invitation.campaign_id == later.id)) == 1
