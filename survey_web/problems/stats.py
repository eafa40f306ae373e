"""One month's figures for a problem list, read from the database as plain data for `analysis`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import case, func, or_, select

from analysis.deidentify import excerpt
from analysis.problem_list import QuestionFigures, Quote, ThemeFigures, shift_month

from .. import banks
from ..extensions import db
from ..models import Answer, Comment, CommentTheme, Department, Response, SurveyPoint
from ..responses.themes import effective
from ..timeutil import month_window

QUOTE_CANDIDATES = 30


def _scoped(query, hospital_id: int, department_id: int | None, month: str):
    start, end = month_window(month)
    query = query.join(SurveyPoint, SurveyPoint.id == Response.point_id) \
        .join(Department, Department.id == SurveyPoint.department_id) \
        .where(Department.hospital_id == hospital_id, Response.submitted_at >= start, Response.submitted_at < end)
    if department_id is not None:
        query = query.where(Department.id == department_id)
    return query


def responses_by_department(hospital_id: int, month: str) -> dict[int, int]:
    """Responses submitted in MONTH, per department of the hospital."""
    query = _scoped(select(Department.id, func.count(Response.id)).select_from(Response), hospital_id, None, month)
    return dict(db.session.execute(query.group_by(Department.id)).all())


def negative_mentions(hospital_id: int, month: str, department_id: int | None = None) -> dict[tuple[str, int], int]:
    """{(theme, department id): comments with an effective negative mention} in MONTH."""
    query = select(CommentTheme.theme, Department.id, func.count(func.distinct(Comment.id))) \
        .select_from(CommentTheme).join(Comment, Comment.id == CommentTheme.comment_id) \
        .join(Response, Response.id == Comment.response_id) \
        .where(CommentTheme.polarity == "neg", effective())
    query = _scoped(query, hospital_id, department_id, month).group_by(CommentTheme.theme, Department.id)
    return {(theme, dept): count for theme, dept, count in db.session.execute(query)}


def quotes(hospital_id: int, month: str) -> dict[int | None, dict[str, list[Quote]]]:
    """{scope: {theme: candidate quotes}} of MONTH, the scope None for the hospital, else a department id.

    Candidates are de-identified and never from urgent comments (those go to the inbox): per theme,
    the first QUOTE_CANDIDATES by source (staff first), confidence and comment id, in the hospital
    and in each department, ranked in one query over the month.
    """
    key = (CommentTheme.source.desc(), CommentTheme.confidence.desc().nulls_last(), Comment.id)
    ranked = select(CommentTheme.theme, Comment.id.label("comment_id"), Department.id.label("department_id"),
                    CommentTheme.confidence, CommentTheme.source,
                    func.row_number().over(partition_by=CommentTheme.theme, order_by=key).label("place"),
                    func.row_number().over(partition_by=(CommentTheme.theme, Department.id), order_by=key)
                    .label("department_place")) \
        .select_from(CommentTheme).join(Comment, Comment.id == CommentTheme.comment_id) \
        .join(Response, Response.id == Comment.response_id) \
        .where(CommentTheme.polarity == "neg", effective(), Comment.urgent.is_(False))
    ranked = _scoped(ranked, hospital_id, None, month).subquery()
    query = select(ranked.c.theme, ranked.c.comment_id, ranked.c.department_id, Comment.text, ranked.c.confidence,
                   ranked.c.source, ranked.c.place, ranked.c.department_place) \
        .join(Comment, Comment.id == ranked.c.comment_id) \
        .where(or_(ranked.c.place <= QUOTE_CANDIDATES, ranked.c.department_place <= QUOTE_CANDIDATES))
    placed: dict[int | None, dict[str, list[tuple[int, Quote]]]] = defaultdict(lambda: defaultdict(list))
    for theme, comment_id, department_id, text, confidence, source, place, department_place in db.session.execute(query):
        quote = Quote(comment_id, excerpt(text), confidence, source == "staff")
        if place <= QUOTE_CANDIDATES:
            placed[None][theme].append((place, quote))
        if department_place <= QUOTE_CANDIDATES:
            placed[department_id][theme].append((department_place, quote))
    return {scope: {theme: [q for _, q in sorted(found, key=lambda p: p[0])] for theme, found in themes.items()}
            for scope, themes in placed.items()}


def question_scores(hospital_id: int, month: str) -> dict[tuple[int, str], tuple[int, int]]:
    """{(department id, question code): (satisfied, answered)} over 1-5 scores in MONTH (4-5 = satisfied)."""
    satisfied = func.sum(case((Answer.score >= 4, 1), else_=0))
    query = select(Department.id, Answer.question_code, satisfied, func.count(Answer.id)).select_from(Answer) \
        .join(Response, Response.id == Answer.response_id).where(Answer.score.is_not(None))
    query = _scoped(query, hospital_id, None, month).group_by(Department.id, Answer.question_code)
    return {(dept, code): (int(sat or 0), int(n)) for dept, code, sat, n in db.session.execute(query)}


def question_themes() -> dict[str, str | None]:
    """Question code -> its theme, over every current bank (a code means the same concept everywhere)."""
    found: dict[str, str | None] = {}
    for bank in banks.all_current().values():
        for question in bank.scale_questions:
            found.setdefault(question.code, question.theme)
    return found


@dataclass
class ScopeFigures:
    """Everything the algorithm needs for one list."""

    responses: int
    prev_responses: int
    themes: list[ThemeFigures]
    questions: list[QuestionFigures]


class MonthFigures:
    """The hospital-wide counts of a month that each of its lists reads (read once, then filtered per list)."""

    def __init__(self, hospital_id: int, month: str) -> None:
        self.hospital_id, self.month = hospital_id, month
        self.previous = shift_month(month, -1)
        self.counts = responses_by_department(hospital_id, month)

    @cached_property
    def prev_counts(self) -> dict[int, int]:
        return responses_by_department(self.hospital_id, self.previous)

    @cached_property
    def now(self) -> dict[tuple[str, int], int]:
        return negative_mentions(self.hospital_id, self.month)

    @cached_property
    def before(self) -> dict[tuple[str, int], int]:
        return negative_mentions(self.hospital_id, self.previous)

    @cached_property
    def quotes(self) -> dict[int | None, dict[str, list[Quote]]]:
        return quotes(self.hospital_id, self.month)

    @cached_property
    def scores(self) -> dict[tuple[int, str], tuple[int, int]]:
        return question_scores(self.hospital_id, self.month)


def scope_figures(hospital_id: int, month: str, department_id: int | None,
                  shared: MonthFigures | None = None) -> ScopeFigures:
    """Figures for the hospital list (DEPARTMENT_ID None) or one department's list of MONTH.

    SHARED are the month's hospital-wide counts when several lists are drafted (read here otherwise).
    """
    if shared is None or (shared.hospital_id, shared.month) != (hospital_id, month):
        shared = MonthFigures(hospital_id, month)

    def mine(dept: int) -> bool:
        return department_id is None or dept == department_id

    def total(by_dept: dict[int, int]) -> int:
        return by_dept.get(department_id, 0) if department_id is not None else sum(by_dept.values())

    per_theme: dict[str, dict[int, int]] = defaultdict(dict)
    prev_theme: dict[str, int] = defaultdict(int)
    for (theme, dept), count in shared.now.items():
        if mine(dept):
            per_theme[theme][dept] = count
    for (theme, dept), count in shared.before.items():
        if mine(dept):
            prev_theme[theme] += count
    candidates = shared.quotes.get(department_id, {})
    themes = [ThemeFigures(theme, sum(by_dept.values()), prev_theme.get(theme, 0), by_dept,
                           tuple(candidates.get(theme, ())))
              for theme, by_dept in per_theme.items()]

    hospital_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_dept, code), (sat, n) in shared.scores.items():
        hospital_totals[code][0] += sat
        hospital_totals[code][1] += n
    theme_of = question_themes()
    questions = [QuestionFigures(code, dept, sat, n, *hospital_totals[code], theme=theme_of.get(code))
                 for (dept, code), (sat, n) in shared.scores.items() if mine(dept)]
    return ScopeFigures(total(shared.counts), total(shared.prev_counts), themes, questions)


def theme_month(hospital_id: int, month: str, department_id: int | None, theme: str) -> tuple[int, int]:
    """(negative mentions of THEME, responses) in MONTH for a scope: the figures beside a closed item."""
    counts = responses_by_department(hospital_id, month)
    responses = counts.get(department_id, 0) if department_id is not None else sum(counts.values())
    mentions = sum(count for (code, _dept), count in negative_mentions(hospital_id, month, department_id).items()
                   if code == theme)
    return mentions, responses


def question_month(hospital_id: int, month: str, department_id: int, code: str) -> tuple[int, int]:
    """(satisfied, answered) on question CODE in MONTH for one department."""
    return question_scores(hospital_id, month).get((department_id, code), (0, 0))
