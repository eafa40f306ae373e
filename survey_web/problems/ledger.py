"""The ledger: editing the four 明确, 立账 -> 督办 -> 销号 (or reopened), merging, splitting, notes.

Every change is audited with its before and after; callers commit.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import or_, select, update

from analysis.ledger import LIVE, ItemStatus, TransitionError, next_status
from analysis.measures import draft_measure

from .. import audit
from ..extensions import db
from ..models import User, utcnow
from ..models.problems import ProblemItem, ProblemItemSource, ProblemList, ProblemNote
from .clusters import item_voices, record_merge, record_split

EDITABLE = ("draft", "open", "in_progress")
FIELDS = ("problem", "measure", "owner_office", "owner_person", "deadline")


def snapshot(item: ProblemItem, fields=FIELDS + ("status",)) -> dict:
    """The audit view of ITEM: the named fields as JSON-able values."""
    return {name: (value.isoformat() if isinstance(value, date) else value)
            for name in fields for value in [getattr(item, name)]}


def edit(item: ProblemItem, values: dict) -> bool:
    """Change the four 明确 of ITEM; False if nothing changed. Closed and superseded items are frozen."""
    if item.status not in EDITABLE:
        raise TransitionError(item.status, "edit")
    changed = {name: value for name, value in values.items()
               if name in FIELDS and getattr(item, name) != value}
    if not changed:
        return False
    before = {name: snapshot(item, (name,))[name] for name in changed}
    for name, value in changed.items():
        setattr(item, name, value)
    item.edited_at = utcnow()
    audit.record("edit", "problem_item", item.id, before=before, after={n: snapshot(item, (n,))[n] for n in changed})
    return True


def act(item: ProblemItem, action: str, user: User, *, reason: str | None = None,
        measure_taken: str | None = None, closure_evidence: str | None = None) -> str:
    """Apply ledger ACTION to ITEM (TransitionError if not allowed); returns the new status."""
    fields = snapshot(item, FIELDS) | {"reason": reason, "measure_taken": measure_taken,
                                       "closure_evidence": closure_evidence}
    status = next_status(item.status, action, fields)
    before = snapshot(item, ("status", "measure_taken", "closure_evidence"))
    item.status = status
    now = utcnow()
    if action == "accept":
        item.accepted_at = now
    elif action == "close":
        item.closed_at, item.closed_by = now, user.id
        item.measure_taken, item.closure_evidence = measure_taken.strip(), closure_evidence.strip()
    elif action == "reopen":
        item.closed_at = item.closed_by = None
        item.reopened_count += 1
    after = snapshot(item, ("status", "measure_taken", "closure_evidence")) | {"reason": reason or None}
    audit.record(action, "problem_item", item.id, before=before, after=after)
    return status


def merge(target: ProblemItem, others: list[ProblemItem]) -> None:
    """Fold draft OTHERS into draft TARGET of the same list: counts add up, quotes and texts are joined."""
    items = [target, *others]
    if any(i.status != ItemStatus.DRAFT or i.list_id != target.list_id for i in items) or target in others:
        raise TransitionError(target.status, "merge")
    before = {"items": [snapshot(i, ("problem", "count", "status")) | {"id": i.id} for i in items]}
    quotes = list(target.evidence.get("quotes", []))
    for other in others:
        target.count += other.count
        target.problem = f"{target.problem}\n{other.problem}".strip()
        quotes += [q for q in other.evidence.get("quotes", []) if q not in quotes]
        other.status, other.merged_into_id = ItemStatus.MERGED, target.id
    target.evidence = {**target.evidence, "quotes": quotes[:5], "merged": [o.id for o in others]}
    target.edited_at = utcnow()
    _remember_merge(target, others)
    audit.record("merge", "problem_item", target.id, before=before,
                 after={"problem": target.problem, "count": target.count, "merged": [o.id for o in others]})


def _remember_merge(target: ProblemItem, others: list[ProblemItem]) -> None:
    """Specific problems of one theme merged: their voices move to TARGET and next month's groups merge too."""
    if target.cluster_id is None:
        return
    problem_list = target.problem_list
    for other in others:
        if other.cluster_id is None or other.theme != target.theme or other.cluster_id == target.cluster_id:
            continue
        db.session.execute(update(ProblemItemSource).where(ProblemItemSource.item_id == other.id)
                           .values(item_id=target.id).execution_options(synchronize_session=False))
        record_merge(problem_list.hospital_id, problem_list.month, target.theme, other.cluster_id,
                     target.cluster_id, _user_id())


def _user_id() -> int | None:
    """The signed-in user making a decision (None outside a request)."""
    from flask import has_request_context
    from flask_login import current_user

    return current_user.id if has_request_context() and current_user.is_authenticated else None


def split_voices(item: ProblemItem, refs: set[tuple[str, int]], problem: str) -> ProblemItem:
    """Move the voices REFS of specific problem ITEM to a new draft about PROBLEM, and remember it:
    next month the voices like these form that problem again (a split decision keyed by cluster id)."""
    voices = item_voices(item)
    moved = [v for v in voices if (v.kind, v.ref_id) in refs]
    rest = [v for v in voices if (v.kind, v.ref_id) not in refs]
    if item.status != ItemStatus.DRAFT or item.cluster_id is None or not moved or not rest:
        raise TransitionError(item.status, "split")
    title = problem.strip().splitlines()[0][:100]
    into = "s" + uuid.uuid5(uuid.NAMESPACE_URL, f"{item.cluster_id}|{sorted(refs)}").hex[:10]
    problem_list = item.problem_list
    part = ProblemItem(list_id=item.list_id, key=f"cluster:{item.theme}:{into}", source="cluster", theme=item.theme,
                       cluster_id=into, department_id=item.department_id, origin_month=item.origin_month,
                       count=len(moved), responses=item.responses, problem=problem.strip(),
                       evidence={"month": problem_list.month, "title": title, "trend": "new", "split_from": item.id,
                                 "kinds": {k: sum(1 for v in moved if v.kind == k) for k in {v.kind for v in moved}},
                                 "quotes": [{"id": v.ref_id, "kind": v.kind, "text": v.text} for v in moved[:3]]},
                       measure=draft_measure(item.theme, title), owner_office=item.owner_office,
                       owner_person=item.owner_person, deadline=item.deadline, status=ItemStatus.DRAFT,
                       edited_at=utcnow())
    db.session.add(part)
    db.session.flush()
    for v in moved:
        db.session.execute(update(ProblemItemSource).where(
            ProblemItemSource.item_id == item.id, ProblemItemSource.kind == v.kind,
            ProblemItemSource.ref_id == v.ref_id).values(item_id=part.id).execution_options(synchronize_session=False))
    item.count = len(rest)
    item.evidence = {**item.evidence, "quotes": [q for q in item.evidence.get("quotes", [])
                                                 if (q.get("kind", "survey"), q["id"]) not in refs]}
    item.edited_at = utcnow()
    record_split(problem_list.hospital_id, problem_list.month, item.theme, item.cluster_id, into, title, moved, rest,
                 _user_id())
    audit.record("split", "problem_item", item.id, before={"count": len(voices)},
                 after={"count": item.count, "new_item": part.id, "new_problem": part.problem,
                        "new_count": len(moved)})
    return part


def split(item: ProblemItem, problem: str, count: int) -> ProblemItem:
    """Split off a new draft for part of ITEM's problem, moving COUNT of its mentions to it."""
    if item.status != ItemStatus.DRAFT or not 0 <= count <= item.count:
        raise TransitionError(item.status, "split")
    part = ProblemItem(list_id=item.list_id, key=f"{item.key}/{uuid.uuid4().hex[:8]}", source=item.source,
                       theme=item.theme, question_code=item.question_code, department_id=item.department_id,
                       origin_month=item.origin_month, rank=item.rank, score=item.score, count=count,
                       responses=item.responses, evidence={**item.evidence, "split_from": item.id},
                       problem=problem.strip(), owner_office=item.owner_office, owner_person=item.owner_person,
                       deadline=item.deadline, status=ItemStatus.DRAFT, edited_at=utcnow())
    item.count -= count
    item.edited_at = utcnow()
    db.session.add(part)
    db.session.flush()
    audit.record("split", "problem_item", item.id, before={"count": item.count + count},
                 after={"count": item.count, "new_item": part.id, "new_problem": part.problem, "new_count": count})
    return part


def add_manual(problem_list: ProblemList, values: dict, *, theme: str | None, department_id: int | None,
               count: int) -> ProblemItem:
    """An item the office raises itself (a hotline call, an inspection finding), as a draft."""
    item = ProblemItem(problem_list=problem_list, key=f"manual:{uuid.uuid4().hex[:12]}", source="manual",
                       theme=theme, department_id=department_id, origin_month=problem_list.month, count=count,
                       responses=problem_list.responses, evidence={"month": problem_list.month},
                       status=ItemStatus.DRAFT, edited_at=utcnow(), **{k: values.get(k) for k in FIELDS})
    db.session.add(item)
    db.session.flush()
    audit.record("create", "problem_item", item.id, after=snapshot(item) | {"list_id": problem_list.id})
    return item


def add_note(item: ProblemItem, user: User | None, kind: str, text: str) -> ProblemNote:
    """A 督办 record on ITEM: progress from the owner, or a reminder."""
    note = ProblemNote(item=item, user_id=user.id if user else None, kind=kind, text=text.strip())
    db.session.add(note)
    db.session.flush()
    audit.record("note", "problem_item", item.id, after={"kind": kind, "text": note.text, "note_id": note.id},
                 user_id=user.id if user else None)
    return note


def remind(item: ProblemItem, user: User | None, today: date, every_days: int) -> bool:
    """Record a reminder on an overdue item unless one was sent in the last EVERY_DAYS days.

    The conditional UPDATE claims the reminder, so two schedulers never remind twice.
    """
    if item.status not in LIVE or item.deadline is None or item.deadline >= today:
        return False
    now = utcnow()
    claimed = db.session.execute(
        update(ProblemItem).where(ProblemItem.id == item.id, or_(
            ProblemItem.last_reminded_at.is_(None), ProblemItem.last_reminded_at < now - timedelta(days=every_days)))
        .values(last_reminded_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return False
    days = (today - item.deadline).days
    add_note(item, user, "reminder", f"已超过整改时限 {days} 天（时限 {item.deadline.isoformat()}），"
                                     f"请{item.owner_office or '责任部门'}尽快反馈整改进展。")
    return True


def overdue_items(hospital_ids: set[int] | None, today: date) -> list[ProblemItem]:
    """Live items past their deadline in HOSPITAL_IDS (None: every hospital)."""
    query = select(ProblemItem).join(ProblemList, ProblemList.id == ProblemItem.list_id) \
        .where(ProblemItem.status.in_(LIVE), ProblemItem.deadline < today)
    if hospital_ids is not None:
        query = query.where(ProblemList.hospital_id.in_(hospital_ids or {-1}))
    return list(db.session.scalars(query.order_by(ProblemItem.deadline, ProblemItem.id)))


def history(item: ProblemItem) -> list[ProblemItem]:
    """ITEM and the rows it continues (carried over from earlier months), newest first."""
    chain, seen = [item], {item.id}
    while chain[-1].carried_from is not None and chain[-1].carried_from.id not in seen:
        chain.append(chain[-1].carried_from)
        seen.add(chain[-1].id)
    return chain
