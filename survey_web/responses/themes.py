"""Effective themes of comments, and staff corrections kept apart from the model's output.

A comment's effective themes are the staff rows once staff reviewed it (a `comment_reviews` row, or any
`source='staff'` theme row), otherwise the model rows. Model rows are never changed or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import ColumnElement, delete, exists, select
from sqlalchemy.orm import aliased

from analysis.taxonomy import THEMES

from .. import audit
from ..extensions import db
from ..models import Comment, CommentTheme, UrgentAlert, User, utcnow
from ..models.review import CommentReview, effective, reviewed  # noqa: F401 - re-exported for the views


def has_theme(theme: str | None = None, polarity: str | None = None) -> ColumnElement:
    """SQL on Comment: it has an effective theme THEME (any if None) of POLARITY (any if None)."""
    row = aliased(CommentTheme)
    conditions = [row.comment_id == Comment.id, effective(row)]
    if theme:
        conditions.append(row.theme == theme)
    if polarity:
        conditions.append(row.polarity == polarity)
    return exists(select(row.id).where(*conditions))


def themes_of(comment_ids: Iterable[int]) -> dict[int, dict[str, dict[str, str]]]:
    """{comment id: {"model": {theme: polarity}, "staff": {...}, "effective": {...}, "reviewed": bool}}."""
    ids = list(comment_ids)
    result: dict[int, dict] = {i: {"model": {}, "staff": {}, "reviewed": False} for i in ids}
    if not ids:
        return result
    rows = db.session.execute(select(CommentTheme.comment_id, CommentTheme.theme, CommentTheme.polarity,
                                     CommentTheme.source).where(CommentTheme.comment_id.in_(ids))
                              .order_by(CommentTheme.id))
    for comment_id, theme, polarity, source in rows:
        result[comment_id][source][theme] = polarity
    for comment_id in db.session.scalars(select(CommentReview.comment_id).where(CommentReview.comment_id.in_(ids))):
        result[comment_id]["reviewed"] = True
    for entry in result.values():
        entry["reviewed"] = entry["reviewed"] or bool(entry["staff"])
        entry["effective"] = entry["staff"] if entry["reviewed"] else entry["model"]
    return result


def clean_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Only known theme codes with polarity pos or neg (ValueError otherwise)."""
    clean = {}
    for theme, polarity in labels.items():
        if theme not in THEMES or polarity not in ("pos", "neg"):
            raise ValueError(f"bad label {theme!r}: {polarity!r}")
        clean[theme] = polarity
    return clean


def save_correction(comment: Comment, labels: Mapping[str, str], user: User, note: str | None = None) -> bool:
    """Store staff labels for COMMENT (replacing earlier staff labels); False if nothing changed."""
    labels = clean_labels(labels)
    before = themes_of([comment.id])[comment.id]
    if before["reviewed"] and before["staff"] == labels and not note:
        return False
    db.session.execute(delete(CommentTheme).where(CommentTheme.comment_id == comment.id,
                                                  CommentTheme.source == "staff"))
    db.session.add_all(CommentTheme(comment_id=comment.id, theme=theme, polarity=polarity, source="staff")
                       for theme, polarity in labels.items())
    review = db.session.get(CommentReview, comment.id) or CommentReview(comment_id=comment.id)
    review.reviewed_by, review.reviewed_at, review.note = user.id, utcnow(), (note or None)
    db.session.add(review)
    audit.record("correct_themes", "comment", comment.id, before={"themes": before["effective"]},
                 after={"themes": labels, "note": note or None})
    return True


def reset_correction(comment: Comment) -> bool:
    """Drop the staff labels of COMMENT so the model's apply again; False if there were none."""
    before = themes_of([comment.id])[comment.id]
    if not before["reviewed"]:
        return False
    db.session.execute(delete(CommentTheme).where(CommentTheme.comment_id == comment.id,
                                                  CommentTheme.source == "staff"))
    db.session.execute(delete(CommentReview).where(CommentReview.comment_id == comment.id))
    audit.record("reset_themes", "comment", comment.id, before={"themes": before["staff"]},
                 after={"themes": before["model"]})
    return True


def labelled_examples() -> list[tuple]:
    """Every reviewed comment as (row, labels), oldest review first: the retraining export."""
    rows = db.session.execute(
        select(Comment.id, Comment.text, Comment.urgent, Comment.urgent_reason, Comment.model_version,
               CommentReview.reviewed_at, UrgentAlert.false_alarm)
        .outerjoin(CommentReview, CommentReview.comment_id == Comment.id)
        .outerjoin(UrgentAlert, UrgentAlert.comment_id == Comment.id)
        .where(reviewed(Comment.id)).order_by(CommentReview.reviewed_at, Comment.id)).all()
    labels = themes_of(row.id for row in rows)
    return [(row, labels[row.id]) for row in rows]
