"""Removing a respondent's data from everything derived from it: quotes in problem lists, cached figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select

from ..extensions import db
from ..models import IndicatorCell, IndicatorPeriod, IndicatorResponses
from ..models.problems import ProblemItem

BEIJING = ZoneInfo("Asia/Shanghai")


def drop_quotes(comment_ids: Iterable[int]) -> int:
    """Remove the quotes of COMMENT_IDS from every problem item's evidence; returns how many items changed."""
    gone = set(comment_ids)
    if not gone:
        return 0
    changed = 0
    for item in db.session.scalars(select(ProblemItem)):
        quotes = (item.evidence or {}).get("quotes") or []
        kept = [q for q in quotes if not (isinstance(q, dict) and q.get("id") in gone)]
        if len(kept) != len(quotes):
            item.evidence = {**item.evidence, "quotes": kept}
            changed += 1
    return changed


def recount_months_of(moments: Iterable[datetime]) -> int:
    """Drop the cached figures of the Beijing months of MOMENTS, so they are counted again without
    whatever was deleted (the cache only notices responses added after it was built); returns rows dropped."""
    months = {m.astimezone(BEIJING).strftime("%Y-%m") for m in moments}
    if not months:
        return 0
    periods = list(db.session.scalars(select(IndicatorPeriod.id).where(
        or_(*(IndicatorPeriod.period.like(f"{month}%") for month in months)))))
    if periods:
        db.session.execute(delete(IndicatorCell).where(IndicatorCell.period_id.in_(periods)))
        db.session.execute(delete(IndicatorResponses).where(IndicatorResponses.period_id.in_(periods)))
        db.session.execute(delete(IndicatorPeriod).where(IndicatorPeriod.id.in_(periods)))
    return len(periods)
