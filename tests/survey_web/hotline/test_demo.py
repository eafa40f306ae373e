"""The demo hospital's hotline orders and findings: realistic, classified, answered in part, safe to load twice."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_web.cli import ensure_other_sources
from survey_web.demo import ensure_organisation, ensure_staff
from survey_web.models import ComplaintCase, Finding, HotlineImport, HotlineOrder


def test_demo_loads_orders_and_findings_once(app, db):
    """Both platforms' orders become classified cases, most answered; a second load adds nothing."""
    hospital = ensure_organisation()
    ensure_staff(hospital)
    orders, findings = ensure_other_sources(hospital)
    assert len(orders) >= 30 and findings == 10
    platforms = set(db.session.scalars(select(HotlineOrder.platform)))
    assert platforms == {"12345", "12320"}
    statuses = dict(db.session.execute(select(ComplaintCase.status, func.count()).group_by(ComplaintCase.status)).all())
    assert statuses.get("replied", 0) > statuses.get("open", 0) > 0
    assert db.session.scalar(select(func.count()).where(ComplaintCase.classify_status != "done")) == 0
    assert db.session.scalar(select(func.sum(HotlineImport.bad))) == 0
    assert ensure_other_sources(hospital) == ([], 0)
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 10
