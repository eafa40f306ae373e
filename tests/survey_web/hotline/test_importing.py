"""Importing platform files into complaint cases: all-or-nothing per row, deduplicated, contact encrypted."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from survey_web.complaints.hotline import formats, samples
from survey_web.complaints.hotline.importing import import_file
from survey_web.crypto import decrypt_contact
from survey_web.models import AuditEvent, CaseEvent, ComplaintCase, HotlineImport, HotlineOrder

from ...world import make_world
from .files import FORMULA, good, with_bad_rows

NOW = datetime(2026, 12, 5, 4, tzinfo=UTC)
FMT = formats.get("12345")


@pytest.fixture
def world(app, db):
    return make_world()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_good_rows_become_cases_and_bad_rows_are_reported(world, db):
    """Six good orders become 12345 cases with their own deadline; the six bad rows are in the report only."""
    records, bad = with_bad_rows()
    result = import_file(world.h1, samples.to_xlsx(FMT, records), "工单.xlsx", user=world.users["quality"], now=NOW)
    db.session.commit()
    assert (result.record.rows, result.record.imported, result.record.bad, result.record.already) == (12, 6, 6, 0)
    assert {p[0] for p in result.record.report["problems"]} == set(bad)
    assert count(db, ComplaintCase) == count(db, HotlineOrder) == 6
    stored = {o.order_no for o in db.session.scalars(select(HotlineOrder))}
    assert stored == {r["order_no"] for i, r in enumerate(records, start=2) if i not in bad}
    order = db.session.scalar(select(HotlineOrder).where(HotlineOrder.order_no == records[0]["order_no"]))
    case = order.case
    assert (case.channel, case.external_ref, case.owner_id) == ("12345", order.order_no, world.users["quality"].id)
    assert case.due_on is not None and order.platform_due_at.date() >= date(2026, 11, 2)
    assert decrypt_contact(case.contact_encrypted) == records[0]["phone"]
    assert records[0]["phone"].encode() not in case.contact_encrypted
    assert decrypt_contact(case.complainant_encrypted) == records[0]["caller"]
    formula = db.session.scalar(select(ComplaintCase).where(ComplaintCase.text == FORMULA))
    assert formula is not None, "the formula-like text is stored as the caller's words"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hotline_import"))
    assert audit.after["imported"] == 6 and records[0]["phone"] not in str(audit.after)


def test_importing_the_same_file_again_adds_nothing_and_says_so(world, db):
    """Re-import: every order is 'already imported', no case is added."""
    data = samples.to_csv(FMT, good(count=5), "gbk")
    import_file(world.h1, data, "a.csv", now=NOW)
    db.session.commit()
    again = import_file(world.h1, data, "a.csv", now=NOW)
    db.session.commit()
    assert (again.record.imported, again.record.already, again.record.bad) == (0, 5, 0)
    assert count(db, ComplaintCase) == 5 and count(db, HotlineImport) == 2


def test_a_failure_while_storing_leaves_nothing_behind(world, db, monkeypatch):
    """The database failing at the order rows, after the cases and their events went in: the caller's
    rollback leaves no case, event or order behind (no row half-imported)."""
    real = db.session.execute

    def failing(statement, *args, **kwargs):
        if getattr(getattr(statement, "table", None), "name", None) == "hotline_orders":
            raise RuntimeError("connection lost")
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, "execute", failing)
    with pytest.raises(RuntimeError):
        import_file(world.h1, samples.to_csv(FMT, good(count=6)), "a.csv", now=NOW)
    assert count(db, ComplaintCase) == 6, "the cases were in the transaction when it failed"
    db.session.rollback()
    assert count(db, ComplaintCase) == count(db, HotlineOrder) == count(db, HotlineImport) == 0
    assert count(db, CaseEvent) == 0


def test_an_unreadable_file_is_recorded_with_its_reason(world, db):
    """A .xls file: nothing stored but the import record saying why."""
    result = import_file(world.h1, b"\xd0\xcf\x11\xe0 old workbook", "old.xls", now=NOW)
    db.session.commit()
    assert result.checked is None and result.record.report["file"] == "xls" and count(db, ComplaintCase) == 0


def test_an_order_stored_by_another_import_meanwhile_is_skipped_on_the_retry(world, db, monkeypatch):
    """Another import commits the same orders between this one's check and its commit: the unique
    constraint refuses the second copy, nothing of that attempt is kept, and the retry skips them."""
    from survey_web.complaints.hotline import importing

    data = samples.to_csv(FMT, good(count=4))
    importing.import_and_commit(world.h1, data, "first.csv", now=NOW)
    real, calls = importing._existing, []

    def stale_once(hospital_id, numbers):
        calls.append(1)
        return set() if len(calls) == 1 else real(hospital_id, numbers)

    monkeypatch.setattr(importing, "_existing", stale_once)
    result = importing.import_and_commit(world.h1, data, "second.csv", now=NOW)
    assert len(calls) == 2 and (result.record.imported, result.record.already) == (0, 4)
    assert count(db, ComplaintCase) == 4 and count(db, HotlineImport) == 2
