"""Storing the classifier's verdict on a text row: a survey comment or a complaint case.

Both carry `models.base.ClassifiedMixin`'s columns and keep their themes in rows of their own table
(`comment_themes`, `case_themes`), so one claim-and-store serves both.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import InstrumentedAttribute

import analysis

from ..extensions import db
from ..models import utcnow
from ..models.base import ClassifyStatus


def pending_text(status: InstrumentedAttribute, row_id: int) -> str | None:
    """The text of row ROW_ID of STATUS's table if it still waits for classification."""
    row = status.class_
    text = db.session.scalar(select(row.text).where(row.id == row_id, status == ClassifyStatus.PENDING))
    db.session.rollback()  # release the read snapshot while the model works
    return text


def store_verdict(status: InstrumentedAttribute, row_id: int, result: analysis.Classification,
                  theme_owner: InstrumentedAttribute) -> bool:
    """Claim the pending row ROW_ID and store RESULT on it, without committing; False (rolled back) if another
    run stored one first.

    STATUS is the row's status column (`Comment.status`, `ComplaintCase.classify_status`), THEME_OWNER the
    theme table's column naming the row (`CommentTheme.comment_id`, `CaseTheme.case_id`). The caller commits,
    after adding whatever must share the transaction (an urgent comment's alert).
    """
    row = status.class_
    # The conditional UPDATE claims the row: if another run finished first, it matches nothing.
    claimed = db.session.execute(
        update(row).where(row.id == row_id, status == ClassifyStatus.PENDING)
        .values({status: ClassifyStatus.DONE, row.classified_at: utcnow(), row.model_version: result.model_version,
                 row.urgent: result.urgent, row.urgent_reason: result.urgent_reason,
                 row.uncertainty: result.uncertainty})
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    if result.themes:  # one executemany, not an ORM flush per row: the worker's time is mostly SQL
        db.session.execute(insert(theme_owner.class_), [
            {theme_owner.key: row_id, "theme": code, "polarity": polarity, "confidence": result.confidence.get(code),
             "source": "model"} for code, polarity in result.themes.items()])
    return True


def classify_pending_now(status: InstrumentedAttribute, save: Callable[[int, analysis.Classification], bool],
                         batch_size: int = 256) -> int:
    """Classify every pending row of STATUS's table in this process, in batches, storing each result with
    SAVE; returns how many were stored (the demo and `flask demo` do this instead of a worker)."""
    row = status.class_
    model = analysis.load_model()
    stored = 0
    while True:
        rows = db.session.execute(select(row.id, row.text).where(status == ClassifyStatus.PENDING)
                                  .order_by(row.id).limit(batch_size)).all()
        db.session.rollback()
        if not rows:
            return stored
        results = model.classify_many([text for _id, text in rows])
        stored += sum(save(row_id, result) for (row_id, _t), result in zip(rows, results, strict=True))
