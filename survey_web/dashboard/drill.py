"""Drill-down: the responses and comments behind any figure, with the same filters the figure used."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import and_, exists, func, or_, select

from .. import banks
from ..accounts.scope import roles_required
from ..extensions import db
from ..models import Answer, Comment, CommentTheme, Response
from ..models.alerts import still_urgent
from ..reporting.cube import RECOMMEND_OPTIONS
from ..reporting.figures import DIMENSION_NAMES
from ..reporting.scope import MIN_GROUP, Org, Scope, aggregates_only
from ..reporting.themes import effective
from ..web.args import OFFICE, choice_arg, int_arg, mode_arg, month_arg, role_arg
from . import bp

PAGE = 50
ANSWER_FILTERS = ("top", "rest", "na")


@dataclass
class Filters:
    department: int | None
    point: int | None
    hospital: int | None
    role: str | None
    mode: str | None
    question: str | None
    dimension: str | None
    theme: str | None
    polarity: str | None
    answer: str | None
    comments: bool


def _filters() -> Filters:
    return Filters(int_arg("department"), int_arg("point"), int_arg("hospital"), role_arg(), mode_arg(),
                   request.args.get("question") or None, choice_arg("dimension", tuple(DIMENSION_NAMES)),
                   request.args.get("theme") or None, choice_arg("polarity", ("pos", "neg")),
                   choice_arg("answer", ANSWER_FILTERS), request.args.get("comments") == "1")


def dimension_codes(dimension: str) -> list[str]:
    return sorted({q.code for bank in banks.all_current().values() for q in bank.scale_questions
                   if q.dimension == dimension} | ({"recommend"} if dimension == "recommend" else set()))


def _answer_condition(f: Filters):
    codes = [f.question] if f.question else dimension_codes(f.dimension)
    answered = or_(Answer.score.isnot(None), Answer.option.in_(RECOMMEND_OPTIONS))
    which = {"top": or_(Answer.score >= 4, Answer.option == RECOMMEND_OPTIONS[0]),
             "rest": or_(Answer.score <= 3, Answer.option.in_(RECOMMEND_OPTIONS[1:])),
             "na": Answer.option == "na"}.get(f.answer, answered)
    return exists().where(Answer.response_id == Response.id, Answer.question_code.in_(codes or ["-"]), which)


def _theme_condition(f: Filters):
    row = CommentTheme
    conditions = [row.comment_id == Comment.id, effective(row)]
    if f.theme:
        conditions.append(row.theme == f.theme)
    if f.polarity:
        conditions.append(row.polarity == f.polarity)
    return exists().where(and_(*conditions))


def _query(month, f: Filters, org: Org, scope: Scope):
    points = org.point_ids(scope)
    if f.department is not None:
        points = [p for p, point in org.points.items() if point.department_id == f.department]
    if f.hospital is not None:
        points = [p for p in (points if points is not None else org.points) if org.hospital_of(p) == f.hospital]
    if f.point is not None:
        points = [f.point]
    query = select(Response.id, Response.submitted_at, Response.role, Response.mode, Response.point_id,
                   Comment.id, Comment.text, still_urgent()) \
        .outerjoin(Comment, Comment.response_id == Response.id) \
        .where(Response.submitted_at >= month.start, Response.submitted_at < month.end)
    if points is not None:
        query = query.where(Response.point_id.in_(points or [-1]))
    if f.role:
        query = query.where(Response.role == f.role)
    if f.mode:
        query = query.where(Response.mode == f.mode)
    if f.question or f.dimension:
        query = query.where(_answer_condition(f))
    if f.theme or f.polarity:
        query = query.where(Comment.id.isnot(None), _theme_condition(f))
    if f.comments:
        query = query.where(Comment.id.isnot(None))
    return query


def _check_scope(f: Filters, org: Org) -> None:
    """A unit outside the reader's scope is a 404: the same answer as a unit that does not exist."""
    if (f.department is not None and f.department not in org.departments) or \
            (f.point is not None and f.point not in org.points) or \
            (f.hospital is not None and f.hospital not in org.hospitals):
        abort(404)


@bp.get("/responses")
@roles_required(*OFFICE, "commission")
def responses():
    month, f = month_arg(), _filters()
    scope = Scope.for_user(current_user)
    org = Org.load(scope)
    _check_scope(f, org)
    query = _query(month, f, org, scope)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if aggregates_only(current_user):
        themes = theme_totals(query) if total >= MIN_GROUP else []
        return render_template("dashboard/responses_themes.html", month=month, f=f, org=org, total=total,
                               themes=themes, min_group=MIN_GROUP)
    pages = max(1, -(-total // PAGE))
    page = min(max(1, int_arg("page") or 1), pages)  # clamped: a huge page number would overflow OFFSET
    rows = db.session.execute(query.order_by(Response.submitted_at.desc(), Response.id.desc())
                              .limit(PAGE).offset((page - 1) * PAGE)).all()
    answers, themes = _details([r[0] for r in rows], [r[5] for r in rows if r[5]])
    return render_template("dashboard/responses.html", month=month, f=f, org=org, rows=rows, total=total,
                           page=page, pages=pages, answers=answers, themes=themes,
                           question_text=banks.question_text, focus=_focus(f))


def theme_totals(query) -> list[tuple[str, int, int]]:
    """(theme, negative, positive mentions) over the comments of the drill-down QUERY, most negative first."""
    comments = query.with_only_columns(Comment.id).where(Comment.id.isnot(None))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for theme, polarity, n in db.session.execute(
            select(CommentTheme.theme, CommentTheme.polarity, func.count())
            .where(CommentTheme.comment_id.in_(comments), effective())
            .group_by(CommentTheme.theme, CommentTheme.polarity)):
        counts[theme][0 if polarity == "neg" else 1] += n
    return sorted(((theme, neg, pos) for theme, (neg, pos) in counts.items()), key=lambda t: (-t[1], -t[2], t[0]))


def _focus(f: Filters) -> list[str]:
    if f.question:
        return [f.question]
    if f.dimension:
        return dimension_codes(f.dimension)
    return ["overall", "recommend"]


def _details(response_ids: list[int], comment_ids: list[int]):
    """Answers of the listed responses and effective themes of their comments (one query each)."""
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for rid, code, score, option in db.session.execute(
            select(Answer.response_id, Answer.question_code, Answer.score, Answer.option)
            .where(Answer.response_id.in_(response_ids or [-1]))):
        answers[rid][code] = str(score) if score is not None else (option or "")
    themes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, theme, polarity in db.session.execute(
            select(CommentTheme.comment_id, CommentTheme.theme, CommentTheme.polarity)
            .where(CommentTheme.comment_id.in_(comment_ids or [-1]), effective()).order_by(CommentTheme.theme)):
        themes[cid].append((theme, polarity))
    return answers, themes
