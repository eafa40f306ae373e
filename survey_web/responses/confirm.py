"""The 请确认 queue: classified comments the model is least sure about, not yet reviewed by staff.

Staff labels on these teach a retrained model the most (uncertainty sampling: `flask export-labels`,
then `python -m analysis train --labels`). The uncertainty itself is computed by `analysis.uncertainty`
when a comment is classified and stored on the comment.
"""

from __future__ import annotations

from sqlalchemy import Select

from ..models import Comment
from ..models.responses import CommentStatus
from ..models.review import reviewed

# exp(-1.2): a decision within 1.2 log-odds of its threshold; clearer comments never enter the queue
MIN_UNCERTAINTY = 0.3


def to_confirm(query: Select) -> Select:
    """QUERY narrowed to unreviewed comments with an uncertain decision, least sure first."""
    return (query.where(Comment.status == CommentStatus.DONE, Comment.uncertainty >= MIN_UNCERTAINTY, ~reviewed(Comment.id))
            .order_by(Comment.uncertainty.desc(), Comment.id))
