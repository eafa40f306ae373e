"""A hospital's specific problems of a month: read the voices, cluster them, remember the result.

The clustering runs once per hospital and month (`month_problems`); the hospital list and every
department's list take their draft items from the same groups, so a problem has one identity in
all of them. The groups are stored in `problem_clusters`, which is what next month matches against.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, insert, select

from analysis.deidentify import deidentify, excerpt
from analysis.ledger import ItemStatus
from analysis.problem_clusters import (
    HISTORY_MONTHS,
    Decision,
    EvidenceKind,
    Group,
    Known,
    Voice,
    month_groups,
)
from analysis.problem_list import shift_month

from ..extensions import db
from ..models import Comment, CommentTheme, Department, Response, SurveyPoint
from ..models.problems import ClusterDecision, ProblemCluster, ProblemItem, ProblemList
from ..timeutil import month_window
from .evidence import Evidence, voices
from .stats import responses_by_department

QUOTE_LIMIT = 120


def survey_voices(hospital_id: int, month: str) -> list[Voice]:
    """Every comment of MONTH with an effective negative theme, one voice per (comment, theme)."""
    from ..models.review import effective

    start, end = month_window(month)
    query = (select(Comment.id, Comment.text, CommentTheme.theme, Department.id, SurveyPoint.name, Comment.urgent)
             .select_from(CommentTheme).join(Comment, Comment.id == CommentTheme.comment_id)
             .join(Response, Response.id == Comment.response_id)
             .join(SurveyPoint, SurveyPoint.id == Response.point_id)
             .join(Department, Department.id == SurveyPoint.department_id)
             .where(Department.hospital_id == hospital_id, Response.submitted_at >= start,
                    Response.submitted_at < end, CommentTheme.polarity == "neg", effective(),
                    Comment.text.is_not(None))
             .order_by(Comment.id, CommentTheme.theme))
    # Raw text: de-identifying 300,000 comments costs more than clustering them; what is shown (titles,
    # quotes, the split list) is de-identified on the way out.
    return [Voice(EvidenceKind.SURVEY, comment_id, theme, text, department_id, point, False, not urgent)
            for comment_id, text, theme, department_id, point, urgent in db.session.execute(query)]


def known_problems(hospital_id: int, month: str) -> list[Known]:
    """The hospital's problems of the HISTORY_MONTHS months before MONTH (latest signature of each id)."""
    previous = shift_month(month, -1)
    rows = db.session.scalars(
        select(ProblemCluster).where(ProblemCluster.hospital_id == hospital_id, ProblemCluster.month < month,
                                     ProblemCluster.month >= shift_month(month, -HISTORY_MONTHS))
        .order_by(ProblemCluster.month, ProblemCluster.id)).all()
    closed = set(db.session.scalars(
        select(ProblemItem.cluster_id).join(ProblemList, ProblemList.id == ProblemItem.list_id)
        .where(ProblemList.hospital_id == hospital_id, ProblemList.month < month,
               ProblemItem.status == ItemStatus.CLOSED, ProblemItem.cluster_id.is_not(None))))
    still_open = set(db.session.scalars(
        select(ProblemItem.cluster_id).join(ProblemList, ProblemList.id == ProblemItem.list_id)
        .where(ProblemList.hospital_id == hospital_id, ProblemList.month < month, ProblemItem.cluster_id.is_not(None),
               ProblemItem.status.in_((ItemStatus.OPEN, ItemStatus.IN_PROGRESS)))))
    latest: dict[tuple[str, str], Known] = {}
    for row in rows:
        latest[(row.theme, row.cluster_id)] = Known(
            row.theme, row.cluster_id, row.signature, row.title, row.size if row.month == previous else 0,
            row.cluster_id in closed and row.cluster_id not in still_open)
    return list(latest.values())


def decisions(hospital_id: int) -> list[Decision]:
    """The office's merges and splits for the hospital, oldest first."""
    rows = db.session.scalars(select(ClusterDecision).where(ClusterDecision.hospital_id == hospital_id)
                              .order_by(ClusterDecision.id))
    return [Decision(r.kind, r.theme, r.cluster_id, r.into, r.signature, r.rest, r.title) for r in rows]


def month_problems(hospital_id: int, month: str, extra_evidence: Iterable[Evidence] = (), *,
                   workers: int = 1) -> list[Group]:
    """Cluster MONTH's voices of the hospital (survey comments and EXTRA_EVIDENCE) and store the groups."""
    start, end = month_window(month)
    found = survey_voices(hospital_id, month) + voices(extra_evidence, start, end)
    counts = responses_by_department(hospital_id, month)
    prev_counts = responses_by_department(hospital_id, shift_month(month, -1))
    groups = month_groups(found, known_problems(hospital_id, month), decisions(hospital_id),
                          responses=sum(counts.values()), prev_responses=sum(prev_counts.values()), workers=workers)
    for group in groups:
        group.title = deidentify(group.title)
    db.session.execute(delete(ProblemCluster).where(ProblemCluster.hospital_id == hospital_id,
                                                    ProblemCluster.month == month))
    rows = [{"hospital_id": hospital_id, "month": month, "theme": g.theme, "cluster_id": g.cluster_id,
             "title": g.title[:100], "size": g.count, "signature": g.signature,
             "departments": {str(d): n for d, n in g.departments()}} for g in groups]
    if rows:
        db.session.execute(insert(ProblemCluster), rows)
    return groups


def cluster_sizes(hospital_id: int, cluster_id: str, months: Iterable[str], department_id: int | None) -> dict:
    """{month: voices} of one problem in MONTHS (a department's share for a department list)."""
    rows = db.session.scalars(select(ProblemCluster).where(
        ProblemCluster.hospital_id == hospital_id, ProblemCluster.cluster_id == cluster_id,
        ProblemCluster.month.in_(list(months))))
    sizes: dict[str, int] = {}
    for row in rows:
        n = row.size if department_id is None else int(row.departments.get(str(department_id), 0))
        sizes[row.month] = sizes.get(row.month, 0) + n
    return sizes


def record_merge(hospital_id: int, month: str, theme: str, cluster_id: str, into: str,
                 user_id: int | None) -> None:
    """Remember that CLUSTER_ID is part of INTO (applied from next month) and fold this month's sizes."""
    db.session.add(ClusterDecision(hospital_id=hospital_id, theme=theme, kind="merge", cluster_id=cluster_id,
                                   into=into, user_id=user_id))
    rows = {row.cluster_id: row for row in db.session.scalars(select(ProblemCluster).where(
        ProblemCluster.hospital_id == hospital_id, ProblemCluster.month == month, ProblemCluster.theme == theme,
        ProblemCluster.cluster_id.in_((cluster_id, into))))}
    source, target = rows.get(cluster_id), rows.get(into)
    if source is not None and target is not None:
        target.size += source.size
        target.departments = {d: target.departments.get(d, 0) + source.departments.get(d, 0)
                              for d in set(target.departments) | set(source.departments)}
        db.session.delete(source)


def record_split(hospital_id: int, month: str, theme: str, cluster_id: str, into: str, title: str,
                 moved: list[Voice], rest: list[Voice], user_id: int | None) -> None:
    """Remember that the voices like MOVED form INTO, apart from CLUSTER_ID; this month's sizes follow."""
    from analysis.cluster import signature_of

    signature, rest_signature = signature_of([v.text for v in moved]), signature_of([v.text for v in rest])
    db.session.add(ClusterDecision(hospital_id=hospital_id, theme=theme, kind="split", cluster_id=cluster_id,
                                   into=into, title=title[:100], signature=signature, rest=rest_signature,
                                   user_id=user_id))
    source = db.session.scalar(select(ProblemCluster).where(
        ProblemCluster.hospital_id == hospital_id, ProblemCluster.month == month, ProblemCluster.theme == theme,
        ProblemCluster.cluster_id == cluster_id))
    if source is not None:
        source.size = max(0, source.size - len(moved))
        source.signature = rest_signature
    departments: dict[str, int] = {}
    for v in moved:
        if v.department is not None:
            departments[str(v.department)] = departments.get(str(v.department), 0) + 1
    db.session.add(ProblemCluster(hospital_id=hospital_id, month=month, theme=theme, cluster_id=into,
                                  title=title[:100], size=len(moved), departments=departments, signature=signature))


def item_voices(item: ProblemItem) -> list[Voice]:
    """The voices linked to ITEM, with their de-identified texts (survey texts read from comments)."""
    from ..models.problems import ProblemItemSource

    links = db.session.execute(
        select(ProblemItemSource.kind, ProblemItemSource.ref_id, ProblemItemSource.excerpt, Comment.text,
               SurveyPoint.department_id)
        .outerjoin(Comment, (ProblemItemSource.kind == EvidenceKind.SURVEY) & (Comment.id == ProblemItemSource.ref_id))
        .outerjoin(Response, Response.id == Comment.response_id)
        .outerjoin(SurveyPoint, SurveyPoint.id == Response.point_id)
        .where(ProblemItemSource.item_id == item.id).order_by(ProblemItemSource.kind, ProblemItemSource.ref_id)).all()
    return [Voice(kind, ref_id, item.theme or "", excerpt(text, 200) if text is not None else (saved or ""),
                  department_id if kind == EvidenceKind.SURVEY else item.department_id)
            for kind, ref_id, saved, text, department_id in links]
