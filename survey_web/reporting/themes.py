"""Theme mentions counted in SQL: per point, mode, theme and polarity, from each comment's effective themes.

A comment's effective themes are its staff rows once staff reviewed it (a `comment_reviews` row or any
staff theme row), otherwise the model's rows: the same rule as the office's review pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select

from ..extensions import db
from ..models import Comment, CommentTheme, Response
from ..models.review import effective
from .cube import fast_queries, id_range


@dataclass(frozen=True)
class ThemeCell:
    point_id: int
    mode: str
    theme: str
    polarity: str
    count: int


def theme_cells(start: datetime, end: datetime, point_ids: list[int] | None) -> list[ThemeCell]:
    """Effective theme mentions of comments on responses submitted in [START, END)."""
    fast_queries()
    keys = (Response.point_id, Response.mode, CommentTheme.theme, CommentTheme.polarity)
    query = select(*keys, func.count()).select_from(CommentTheme) \
        .join(Comment, Comment.id == CommentTheme.comment_id) \
        .join(Response, Response.id == Comment.response_id) \
        .where(Response.submitted_at >= start, Response.submitted_at < end, effective()).group_by(*keys)
    low, high, _count = id_range(start, end)
    if low is None:
        return []
    # As for answers: redundant, but it confines the comments read to the period's slice of ids.
    query = query.where(Comment.response_id.between(low, high))
    if point_ids is not None:
        query = query.where(Response.point_id.in_(point_ids or [-1]))
    return [ThemeCell(*row) for row in db.session.execute(query)]


PRAISE_THEMES = ("attitude", "communication", "nursing", "clinical")
PRAISE_LIMIT = 3000


def praise_comments(start: datetime, end: datetime, point_ids: list[int] | None,
                    limit: int = PRAISE_LIMIT) -> list[tuple[int, str]]:
    """(point id, text) of the newest comments in [START, END) that praise staff: an effective positive
    theme about people, and a staff title in the text (the only comments a name can be read from)."""
    from analysis.praise import TITLES

    praised = exists().where(CommentTheme.comment_id == Comment.id, CommentTheme.polarity == "pos",
                             CommentTheme.theme.in_(PRAISE_THEMES), effective())
    query = select(Response.point_id, Comment.text).join(Comment, Comment.response_id == Response.id) \
        .where(Response.submitted_at >= start, Response.submitted_at < end, praised,
               or_(*(Comment.text.contains(title) for title in TITLES)), Comment.urgent.is_(False)) \
        .order_by(Response.submitted_at.desc()).limit(limit)
    if point_ids is not None:
        query = query.where(Response.point_id.in_(point_ids or [-1]))
    return [(point, text) for point, text in db.session.execute(query)]
