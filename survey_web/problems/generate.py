"""Generating a month's problem list: drafts from the data plus open items carried over.

Idempotent per (hospital, scope, month): the unique constraint on `problem_lists` lets exactly one run
create a list, so the monthly job, a cron line and a click on "generate" can race safely. A refresh
(on demand) updates the figures of untouched drafts, adds new ones, drops untouched drafts that no
longer qualify, and never changes what the office has edited or decided.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from analysis.ledger import LIVE, ItemStatus
from analysis.problem_list import Draft, OpenItem, build_drafts, default_deadline, plan_month
from analysis.taxonomy import THEMES

from .. import audit, banks
from ..extensions import db
from ..models import Department, Hospital, SurveyPoint, utcnow
from ..models.problems import ProblemItem, ProblemList
from . import specific
from .clusters import month_problems
from .evidence import Evidence
from .stats import MonthFigures, scope_figures

log = logging.getLogger(__name__)


def department_banks(department_id: int | None) -> list[str]:
    """The banks asked at DEPARTMENT_ID's survey points (their wording is what respondents saw)."""
    if department_id is None:
        return []
    return list(db.session.scalars(select(SurveyPoint.bank_code).where(SurveyPoint.department_id == department_id)
                                   .distinct().order_by(SurveyPoint.bank_code)))


def question_text(code: str | None, prefer: list[str] | tuple = ()) -> str:
    """Question CODE's Chinese wording up to its first question mark, as the list quotes it."""
    return banks.question_text(code, "zh_CN", prefer).split("？")[0].split("?")[0]


def problem_text(draft: Draft, scope: str, names: dict[int, str]) -> str:
    """The drafted 整改事项 in Chinese: what patients reported, with the figures."""
    if draft.source == "question":
        wording = question_text(draft.question, prefer=department_banks(draft.department))
        return (f"{names.get(draft.department, scope)}「{wording}」满意度 {draft.satisfaction}%"
                f"（{draft.responses} 人作答），低于全院 {draft.hospital_satisfaction}%。")
    theme = THEMES[draft.theme].name("zh-CN") if draft.theme in THEMES else draft.theme
    text = f"{scope}本月收到涉及「{theme}」的负面意见 {draft.count} 条，每百份问卷 {draft.rate} 条"
    if draft.prev_rate is not None:
        text += f"（上月 {draft.prev_count} 条，每百份 {draft.prev_rate} 条）"
    if draft.rising:
        text += "，较上月明显上升"
    if len(draft.departments) > 1:
        text += "，主要来自：" + "、".join(f"{names.get(d, '?')} {n} 条" for d, n in draft.departments[:3])
    return text + "。"


def default_owner(draft: Draft, names: dict[int, str]) -> str | None:
    """责任部门: the theme's owning office; a department's low question score is the department's own."""
    if draft.source == "question" and draft.department in names:
        return names[draft.department]
    theme = THEMES.get(draft.theme or "")
    return theme.office if theme else None


def evidence(draft: Draft, month: str) -> dict:
    """The JSON evidence stored with an item from DRAFT."""
    return {"month": month, "rate": draft.rate, "rate_low": draft.rate_low, "prev_count": draft.prev_count,
            "prev_rate": draft.prev_rate, "rising": draft.rising, "satisfaction": draft.satisfaction,
            "hospital_satisfaction": draft.hospital_satisfaction, "departments": [list(p) for p in draft.departments],
            "quotes": [{"id": q.comment_id, "text": q.text} for q in draft.quotes]}


def _claim(hospital_id: int, month: str, department_id: int | None) -> tuple[ProblemList, bool]:
    scope_key = department_id or 0
    found = db.session.scalar(select(ProblemList).where(
        ProblemList.hospital_id == hospital_id, ProblemList.scope_key == scope_key, ProblemList.month == month)
        .with_for_update())
    if found is not None:
        return found, False
    made = ProblemList(hospital_id=hospital_id, department_id=department_id, scope_key=scope_key, month=month)
    db.session.add(made)
    try:
        db.session.flush()
    except IntegrityError:  # another worker created it between our read and our insert
        db.session.rollback()
        return db.session.scalar(select(ProblemList).where(
            ProblemList.hospital_id == hospital_id, ProblemList.scope_key == scope_key,
            ProblemList.month == month)), False
    return made, True


def generate_list(hospital_id: int, month: str, department_id: int | None = None, *, refresh: bool = False,
                  user_id: int | None = None, groups: list | None = None,
                  extra_evidence: Iterable[Evidence] = (),
                  shared: MonthFigures | None = None) -> tuple[ProblemList, str]:
    """Create (or with REFRESH, update) one list and commit; returns it and 'created', 'refreshed' or 'exists'.

    GROUPS are the month's specific problems (`clusters.month_problems`, computed here when not
    given); EXTRA_EVIDENCE are other sources' voices clustered with the survey comments; SHARED the
    month's hospital-wide counts when the caller drafts several lists.
    """
    problem_list, created = _claim(hospital_id, month, department_id)
    if not created and not refresh:
        db.session.rollback()
        return problem_list, "exists"
    if groups is None:
        groups = month_problems(hospital_id, month, extra_evidence)
    names = dict(db.session.execute(select(Department.id, Department.name)
                                    .where(Department.hospital_id == hospital_id)).all())
    scope = names.get(department_id, "") if department_id else "全院"
    figures = scope_figures(hospital_id, month, department_id, shared)
    drafts = build_drafts(figures.themes, figures.questions, figures.responses, figures.prev_responses,
                          department=department_id)
    specifics = {s.key: s for s in specific.for_list(groups, department_id)}
    drafts += [specific.as_draft(s, figures.responses, department_id) for s in specifics.values()]
    open_rows = list(db.session.scalars(
        select(ProblemItem).join(ProblemList, ProblemList.id == ProblemItem.list_id)
        .where(ProblemList.hospital_id == hospital_id, ProblemList.scope_key == problem_list.scope_key,
               ProblemList.month < month, ProblemItem.status.in_(LIVE))
        .order_by(ProblemItem.id)))
    plan = plan_month(drafts, [OpenItem(row.id, row.key) for row in open_rows])
    rows = {row.id: row for row in open_rows}
    problem_list.responses, problem_list.prev_responses = figures.responses, figures.prev_responses
    problem_list.generated_at = utcnow()
    carried = [_carry(problem_list, rows[item.id], match, month, specifics) for item, match in plan.carried]
    added, updated, dropped = _apply_drafts(problem_list, plan.new, month, scope, names, specifics)
    db.session.flush()
    specific.link_sources([(row, specifics[row.key].voices) for row in problem_list.items
                           if row.key in specifics and row.status != ItemStatus.MERGED])
    db.session.flush()
    audit.record("generate" if created else "refresh", "problem_list", problem_list.id, user_id=user_id,
                 after={"month": month, "department_id": department_id, "new": added, "updated": updated,
                        "dropped": dropped, "carried": [row.carried_from_id for row in carried]})
    db.session.commit()
    log.info("problem list %s %s/%s: %d new, %d carried", month, hospital_id, department_id, added, len(carried))
    return problem_list, "created" if created else "refreshed"


def _carry(problem_list: ProblemList, old: ProblemItem, match: Draft | None, month: str,
           specifics: dict[str, specific.Specific]) -> ProblemItem:
    """Continue OLD in this month's list; this month's figures for the same problem go with it."""
    found = specifics.get(old.key) if match else None
    copy = ProblemItem(
        problem_list=problem_list, key=old.key, source=old.source, theme=old.theme, question_code=old.question_code,
        cluster_id=old.cluster_id,
        department_id=old.department_id, origin_month=old.origin_month, problem=old.problem, measure=old.measure,
        owner_office=old.owner_office, owner_person=old.owner_person, deadline=old.deadline, status=old.status,
        accepted_at=old.accepted_at, edited_at=old.edited_at, reopened_count=old.reopened_count,
        last_reminded_at=old.last_reminded_at, carried_from_id=old.id,
        count=match.count if match else 0, responses=match.responses if match else problem_list.responses,
        score=match.score if match else None,
        evidence=(specific.evidence(found, month) if found else evidence(match, month)) if match
        else {"month": month, "rate": 0.0, "quotes": []},
    )
    old.status = ItemStatus.CARRIED
    db.session.add(copy)
    return copy


def _apply_drafts(problem_list: ProblemList, drafts: list[Draft], month: str, scope: str,
                  names: dict[int, str], specifics: dict[str, specific.Specific]) -> tuple[int, int, int]:
    untouched = {row.key: row for row in problem_list.items
                 if row.status == ItemStatus.DRAFT and row.carried_from_id is None and row.source != "manual"}
    decided = {row.key for row in problem_list.items} - set(untouched)
    added = updated = 0
    for draft in drafts:
        if draft.key in decided:
            continue  # accepted, rejected, merged or carried: the office's decision stands
        row = untouched.pop(draft.key, None)
        if row is None:
            row = ProblemItem(problem_list=problem_list, key=draft.key, source=draft.source, theme=draft.theme,
                              question_code=draft.question, department_id=draft.department, origin_month=month,
                              status=ItemStatus.DRAFT, owner_office=default_owner(draft, names),
                              deadline=default_deadline(month, draft.theme), problem="")
            db.session.add(row)
            added += 1
        else:
            updated += 1
        row.rank, row.score, row.count, row.responses = draft.rank, draft.score, draft.count, draft.responses
        found = specifics.get(draft.key)
        if found is None:
            row.evidence = evidence(draft, month)
            if row.edited_at is None:
                row.problem = problem_text(draft, scope, names)
            continue
        # A specific problem: no rank of its own (it is listed under its theme's heading).
        row.rank, row.cluster_id, row.evidence = None, found.group.cluster_id, specific.evidence(found, month)
        if row.edited_at is None:
            row.problem = specific.problem_text(found, scope, names)
            row.owner_office = row.owner_office or specific.default_owner(found)
            row.measure = specific.suggested_measure(found)
    dropped = 0
    for row in untouched.values():
        if row.edited_at is None:
            db.session.delete(row)
            dropped += 1
    return added, updated, dropped


def generate_hospital(hospital_id: int, month: str, *, refresh: bool = False, user_id: int | None = None,
                      extra_evidence: Iterable[Evidence] = (), workers: int = 1) -> list[tuple[ProblemList, str]]:
    """The hospital list and one list per department with responses that month or live items.

    The month's specific problems are clustered once (EXTRA_EVIDENCE with the survey comments, in
    WORKERS processes) and shared by all the lists.
    """
    if db.session.get(Hospital, hospital_id) is None:
        raise LookupError(f"no hospital {hospital_id}")
    listed = db.session.scalar(select(ProblemList.id).where(ProblemList.hospital_id == hospital_id,
                                                            ProblemList.scope_key == 0, ProblemList.month == month))
    # Clustered once for all the lists, unless they exist already (then there is nothing to draft).
    groups = month_problems(hospital_id, month, extra_evidence, workers=workers) if refresh or not listed else None
    shared = MonthFigures(hospital_id, month)
    done = [generate_list(hospital_id, month, None, refresh=refresh, user_id=user_id, groups=groups, shared=shared)]
    with_live = set(db.session.scalars(
        select(ProblemList.department_id).join(ProblemItem, ProblemItem.list_id == ProblemList.id)
        .where(ProblemList.hospital_id == hospital_id, ProblemList.department_id.is_not(None),
               ProblemItem.status.in_(LIVE))))
    departments = set(shared.counts) | with_live
    for department_id in sorted(departments):
        done.append(generate_list(hospital_id, month, department_id, refresh=refresh, user_id=user_id, groups=groups,
                                  shared=shared))
    return done
