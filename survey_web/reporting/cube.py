"""Answer tallies per point, bank version, role, mode and question: SQL does the counting.

A month of a busy city has about a million answers; PostgreSQL reduces them to a few thousand cells
with one GROUP BY, and everything the pages show is summed from those cells. Closed periods are kept in
the indicator cache (`models.indicators`): closed months whole, and the running month day by day, so a
page reads a few small sets of cells and counts only today's answers live.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from analysis.indicators import Counts

from ..extensions import db
from ..models import Answer, Response
from ..models.indicators import IndicatorCell, IndicatorPeriod, IndicatorResponses
from .periods import Day, Month, MonthToDate, now_utc

RECOMMEND_OPTIONS = ("willing", "unsure", "unwilling")  # the recommend question, most favourable first
# A period is cached only this long after it ended: a response submitted at 23:59:59 may still be committing.
GRACE = timedelta(hours=1)
# What the pages ask for: the default month (the last closed one), its 12-month trend, the month before it
# for the changes, and the running month.
WARM_MONTHS = 14
Period = Month | Day | MonthToDate


@dataclass(frozen=True)
class Cell:
    point_id: int
    version_id: int
    role: str
    mode: str
    question: str
    counts: Counts


@dataclass(frozen=True)
class ResponseCell:
    point_id: int
    role: str
    mode: str
    responses: int


@dataclass
class Cube:
    """The cells of one period (a month, or several months summed) inside one scope."""

    cells: list[Cell] = field(default_factory=list)
    responses: list[ResponseCell] = field(default_factory=list)
    live: bool = False

    def __add__(self, other: Cube) -> Cube:
        return Cube(self.cells + other.cells, self.responses + other.responses, self.live or other.live)


def fast_queries() -> None:
    """Settings for this transaction's aggregates on PostgreSQL.

    JIT compiling costs ~100 ms on these sub-second queries and saves nothing; with the default 4 MB of
    work_mem the planner expects the cells not to fit in memory and sorts a million rows on disk instead
    of hashing them (2 s instead of 0.7 s for a month of a city).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def id_range(start: datetime, end: datetime) -> tuple[int | None, int | None, int]:
    """(lowest id, highest id, count) of the responses submitted in [START, END)."""
    r = Response.__table__.c
    low, high, count = db.session.execute(
        select(func.min(r.id), func.max(r.id), func.count()).where(r.submitted_at >= start, r.submitted_at < end)
    ).one()
    return low, high, count


def _answer_query(start: datetime, end: datetime, point_ids: list[int] | None):
    r, a = Response.__table__.c, Answer.__table__.c
    keys = (r.point_id, r.bank_version_id, r.role, r.mode, a.question_code)
    query = select(
        *keys,
        func.count().filter(or_(a.score.isnot(None), a.option.in_(RECOMMEND_OPTIONS))),
        func.count().filter(or_(a.score >= 4, a.option == RECOMMEND_OPTIONS[0])),
        func.coalesce(func.sum(a.score), 0),
        func.count().filter(a.option == "na"),
    ).select_from(Response.__table__.join(Answer.__table__, a.response_id == r.id)) \
        .where(r.submitted_at >= start, r.submitted_at < end).group_by(*keys)
    low, high, _count = id_range(start, end)
    if low is not None:
        # Redundant for correctness (every answer of the period's responses lies in this id range), but it
        # lets PostgreSQL read one slice of the answers index instead of the whole table: ids rise with time.
        query = query.where(a.response_id.between(low, high))
    if point_ids is not None:
        query = query.where(r.point_id.in_(point_ids or [-1]))
    return query


def _response_query(start: datetime, end: datetime, point_ids: list[int] | None):
    r = Response.__table__.c
    keys = (r.point_id, r.role, r.mode)
    query = select(*keys, func.count()).where(r.submitted_at >= start, r.submitted_at < end).group_by(*keys)
    if point_ids is not None:
        query = query.where(r.point_id.in_(point_ids or [-1]))
    return query


def live_cube(start: datetime, end: datetime, point_ids: list[int] | None) -> Cube:
    """Count [START, END) straight from the answers."""
    fast_queries()
    cells = [Cell(p, v, role, mode, q, Counts(n, top, total, na))
             for p, v, role, mode, q, n, top, total, na in db.session.execute(_answer_query(start, end, point_ids))]
    responses = [ResponseCell(*row) for row in db.session.execute(_response_query(start, end, point_ids))]
    return Cube(cells, responses, live=True)


def cached_cube(period_ids: Iterable[int], point_ids: list[int] | None) -> Cube:
    """The cached cells of PERIOD_IDS summed over those periods."""
    ids = list(period_ids)
    if not ids:
        return Cube()
    c, rc = IndicatorCell.__table__.c, IndicatorResponses.__table__.c
    keys = (c.point_id, c.bank_version_id, c.role, c.mode, c.question_code)
    query = select(*keys, func.sum(c.answers), func.sum(c.top), func.sum(c.score_sum), func.sum(c.na)) \
        .where(c.period_id.in_(ids)).group_by(*keys)
    r_keys = (rc.point_id, rc.role, rc.mode)
    r_query = select(*r_keys, func.sum(rc.responses)).where(rc.period_id.in_(ids)).group_by(*r_keys)
    if point_ids is not None:
        query = query.where(c.point_id.in_(point_ids or [-1]))
        r_query = r_query.where(rc.point_id.in_(point_ids or [-1]))
    cells = [Cell(p, v, role, mode, q, Counts(int(n), int(top), int(total), int(na)))
             for p, v, role, mode, q, n, top, total, na in db.session.execute(query)]
    responses = [ResponseCell(p, role, mode, int(n)) for p, role, mode, n in db.session.execute(r_query)]
    return Cube(cells, responses)


def plan(months: Sequence[Month], now: datetime) -> tuple[list[Period], list[tuple[datetime, datetime]]]:
    """Which closed periods the cache covers for MONTHS, and which [start, end) ranges must be counted live.

    A closed month is one cached period; a running month is its closed days (summed into one
    month-to-date period) plus the rest, live.
    """
    cached: list[Period] = []
    live: list[tuple[datetime, datetime]] = []
    for month in months:
        if month.closed(now, GRACE):
            cached.append(month)
            continue
        days = [day for day in month.days() if day.closed(now, GRACE)]
        if days:
            cached.append(MonthToDate(month, days[-1]))
        live.append((days[-1].end if days else month.start, month.end))
    return cached, live


def period_cube(months: Sequence[Month], point_ids: list[int] | None, *, live: bool = False,
                now: datetime | None = None) -> Cube:
    """MONTHS summed: closed periods from the cache, the rest counted live (everything live if LIVE)."""
    now = now or now_utc()
    if live:
        cached, ranges = [], [(m.start, m.end) for m in months]
    else:
        cached, ranges = plan(months, now)
    cube = cached_cube(ensure_cached(cached, now=now).values(), point_ids)
    for start, end in ranges:
        cube = cube + live_cube(start, end, point_ids)
    return cube


def warm(now: datetime | None = None, months: int = WARM_MONTHS) -> list[str]:
    """Count into the cache every closed period of the last MONTHS months that is missing or stale: closed
    months whole, the running month's closed days. Cheap when nothing changed (a watermark check)."""
    now = now or now_utc()
    cached, _live = plan(Month.of(now).range(months), now)
    return [str(period) for period in ensure_cached(cached, now=now)]


def ensure_cached(periods: Sequence[Period], *, now: datetime | None = None) -> dict[Period, int]:
    """Cache ids of the closed PERIODS, counting any that is missing and recounting any that changed."""
    now = now or now_utc()
    periods = [p for p in periods if p.closed(now, GRACE)]
    if not periods:
        return {}
    rows = {row.period: row for row in db.session.scalars(
        select(IndicatorPeriod).where(IndicatorPeriod.period.in_([str(p) for p in periods])))}
    newest = db.session.scalar(select(func.max(Response.id))) or 0
    stale = _changed(periods, rows, newest)
    ids = {}
    for period in periods:
        row = rows.get(str(period))
        ids[period] = row.id if row is not None and period not in stale else build(period)
    return ids


def _changed(periods: Sequence[Period], rows: dict[str, IndicatorPeriod], newest: int) -> set[Period]:
    """Periods whose cache misses a response, found by reading only responses newer than every watermark.

    Each cached period keeps the id of the newest response it is known to include (its watermark); a
    period found unchanged moves its watermark up to NEWEST, so the next check reads only what arrived
    since: normally nothing, as new responses belong to the running day.
    """
    cached = [p for p in periods if str(p) in rows]
    if not cached:
        return set()
    lowest = min(rows[str(p)].max_response_id for p in cached)
    stale: set[Period] = set()
    if lowest < newest:
        r = Response.__table__.c
        bucket = case(*((and_(r.submitted_at >= p.start, r.submitted_at < p.end), str(p)) for p in cached),
                      else_="")
        newest_in = dict(db.session.execute(
            select(bucket, func.max(r.id)).where(r.id > lowest, r.id <= newest,
                                                 r.submitted_at >= min(p.start for p in cached),
                                                 r.submitted_at < max(p.end for p in cached)).group_by(bucket)
        ).all())
        stale = {p for p in cached if newest_in.get(str(p), 0) > rows[str(p)].max_response_id}
        clean = [rows[str(p)].id for p in cached if p not in stale]
        if clean:
            db.session.execute(update(IndicatorPeriod).where(IndicatorPeriod.id.in_(clean),
                                                             IndicatorPeriod.max_response_id < newest)
                               .values(max_response_id=newest))
            db.session.commit()
    return stale


def build(period: Period) -> int:
    """Count PERIOD into the cache (replacing any earlier count) and return its cache id."""
    day_ids = None
    if isinstance(period, MonthToDate):
        # Its days first (each committed on its own); the sum is only as fresh as its stalest day.
        day_ids = list(ensure_cached(period.days, now=period.end + GRACE).values())
        newest = db.session.scalar(select(func.min(IndicatorPeriod.max_response_id))
                                   .where(IndicatorPeriod.id.in_(day_ids))) or 0
    else:
        newest = db.session.scalar(select(func.max(Response.id))) or 0
    old = db.session.scalar(select(IndicatorPeriod.id).where(IndicatorPeriod.period == str(period)))
    if old is not None:  # SQLite does not cascade unless asked to, so the cells go first
        db.session.execute(delete(IndicatorCell).where(IndicatorCell.period_id == old))
        db.session.execute(delete(IndicatorResponses).where(IndicatorResponses.period_id == old))
        db.session.execute(delete(IndicatorPeriod).where(IndicatorPeriod.id == old))
    row = IndicatorPeriod(period=str(period), max_response_id=newest, built_at=now_utc())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another process is counting the same period: use theirs
        db.session.rollback()
        return db.session.scalar(select(IndicatorPeriod.id).where(IndicatorPeriod.period == str(period)))
    # Counted with a plain SELECT and stored with a bulk INSERT: PostgreSQL runs INSERT ... SELECT on one
    # core, the SELECT alone on all of them. Month-to-date is summed from its days' cached cells.
    if day_ids is not None:
        _forget_older_months_to_date(period, row.id)
        cube = cached_cube(day_ids, None)
    else:
        cube = live_cube(period.start, period.end, None)
    if cube.cells:
        db.session.execute(insert(IndicatorCell), [
            {"period_id": row.id, "point_id": c.point_id, "bank_version_id": c.version_id, "role": c.role,
             "mode": c.mode, "question_code": c.question, "answers": c.counts.answers, "top": c.counts.top,
             "score_sum": c.counts.score_sum, "na": c.counts.na} for c in cube.cells])
    if cube.responses:
        db.session.execute(insert(IndicatorResponses), [
            {"period_id": row.id, "point_id": r.point_id, "role": r.role, "mode": r.mode, "responses": r.responses}
            for r in cube.responses])
    row.responses = sum(r.responses for r in cube.responses)
    db.session.commit()
    return row.id


def _forget_older_months_to_date(period: MonthToDate, keep: int) -> None:
    """Yesterday's month-to-date is superseded by today's: drop it (and any older one)."""
    older = list(db.session.scalars(select(IndicatorPeriod.id).where(
        IndicatorPeriod.period.like(f"{period.month}~%"), IndicatorPeriod.id != keep)))
    if older:
        db.session.execute(delete(IndicatorCell).where(IndicatorCell.period_id.in_(older)))
        db.session.execute(delete(IndicatorResponses).where(IndicatorResponses.period_id.in_(older)))
        db.session.execute(delete(IndicatorPeriod).where(IndicatorPeriod.id.in_(older)))


def clear_cache() -> int:
    """Forget every cached period (they are recounted on demand); returns how many there were."""
    count = db.session.scalar(select(func.count()).select_from(IndicatorPeriod))
    db.session.execute(delete(IndicatorCell))
    db.session.execute(delete(IndicatorResponses))
    db.session.execute(delete(IndicatorPeriod))
    db.session.commit()
    return count


def trend_cells(months: list[Month], point_ids: list[int] | None, *, now: datetime | None = None,
                current: tuple[Month, Cube] | None = None) -> dict[Month, list[tuple[int, str, Counts, int]]]:
    """Per month: (point id, mode, scale-answer counts, respondents) rows, for trend lines.

    Closed months come from the cache with one small GROUP BY; a running month is summed like any page
    does, unless CURRENT already holds its cube (the dashboard's own month).
    """
    now = now or now_utc()
    closed = [m for m in months if m.closed(now, GRACE)]
    ids = ensure_cached(closed, now=now)
    by_id = {period_id: month for month, period_id in ids.items()}
    found: dict[Month, dict[tuple[int, str], list]] = {m: {} for m in months}
    if ids:
        c, rc = IndicatorCell.__table__.c, IndicatorResponses.__table__.c
        cells = select(c.period_id, c.point_id, c.mode, func.sum(c.answers), func.sum(c.top)) \
            .where(c.period_id.in_(list(ids.values())), c.question_code != "recommend") \
            .group_by(c.period_id, c.point_id, c.mode)
        responses = select(rc.period_id, rc.point_id, rc.mode, func.sum(rc.responses)) \
            .where(rc.period_id.in_(list(ids.values()))).group_by(rc.period_id, rc.point_id, rc.mode)
        if point_ids is not None:
            cells = cells.where(c.point_id.in_(point_ids or [-1]))
            responses = responses.where(rc.point_id.in_(point_ids or [-1]))
        for period_id, point, mode, answers, top in db.session.execute(cells):
            found[by_id[period_id]].setdefault((point, mode), [Counts(), 0])[0] = Counts(int(answers), int(top))
        for period_id, point, mode, n in db.session.execute(responses):
            found[by_id[period_id]].setdefault((point, mode), [Counts(), 0])[1] = int(n)
    for month in months:
        if month in ids:
            continue
        cube = current[1] if current and current[0] == month else period_cube([month], point_ids, now=now)
        rows = found[month]
        for cell in cube.cells:
            if cell.question != "recommend":
                entry = rows.setdefault((cell.point_id, cell.mode), [Counts(), 0])
                entry[0] += Counts(cell.counts.answers, cell.counts.top)
        for rc_ in cube.responses:
            rows.setdefault((rc_.point_id, rc_.mode), [Counts(), 0])[1] += rc_.responses
    return {m: [(p, mode, counts, n) for (p, mode), (counts, n) in rows.items()] for m, rows in found.items()}
