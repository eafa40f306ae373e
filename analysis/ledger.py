"""The ledger of the problem list (整改台账): which step may follow which, and when an item is overdue.

立账 (open) -> 督办 (in_progress) -> 销号 (closed), or reopened back to 督办. Plain Python: the web layer
asks `next_status` before it changes a row, so the rules live in one place and are tested in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum


class ItemStatus(StrEnum):
    """A problem-list item's state. The values are what `problem_items.status` stores (its CHECK constraint
    is built from this enum); a member equals its string, so rows read back as plain strings compare."""

    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    REJECTED = "rejected"
    MERGED = "merged"
    CARRIED = "carried"


STATES = tuple(ItemStatus)
LIVE = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)
# (from, action) -> to. 立账 = open, 督办 = in_progress, 销号 = closed; merged and carried are set by
# the merge and carry-over operations, never by a direct action.
TRANSITIONS = {
    (ItemStatus.DRAFT, "accept"): ItemStatus.OPEN,
    (ItemStatus.DRAFT, "reject"): ItemStatus.REJECTED,
    (ItemStatus.REJECTED, "restore"): ItemStatus.DRAFT,
    (ItemStatus.OPEN, "start"): ItemStatus.IN_PROGRESS,
    (ItemStatus.IN_PROGRESS, "close"): ItemStatus.CLOSED,
    (ItemStatus.CLOSED, "reopen"): ItemStatus.IN_PROGRESS,
}
FOUR_CLEAR = ("problem", "measure", "owner_office", "deadline")
CLOSURE = ("measure_taken", "closure_evidence")
REASON_NEEDED = ("reject", "reopen")
# A measure drafted from the suggestions catalogue starts with this mark; it is a proposal, so an
# item whose measure still carries it is not accepted until the office has made the measure its own.
SUGGESTION_MARK = "【建议】"


class TransitionError(ValueError):
    """A ledger action that is not allowed: `missing` names the fields still empty."""

    def __init__(self, status: str, action: str, missing: Sequence[str] = ()):
        self.status, self.action, self.missing = status, action, tuple(missing)
        super().__init__(f"{action} from {status}" + (f": missing {', '.join(missing)}" if missing else ""))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and (not value.strip() or value.startswith(SUGGESTION_MARK)))


def next_status(status: str, action: str, fields: Mapping[str, object]) -> str:
    """The status after ACTION, or TransitionError.

    Accepting (立账) needs the four 明确 (problem, measure, owner office, deadline); closing (销号)
    needs the measure taken and its evidence; rejecting and reopening need a reason.
    """
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise TransitionError(status, action)
    needed = {"accept": FOUR_CLEAR, "close": CLOSURE}.get(action, ())
    if action in REASON_NEEDED:
        needed = ("reason",)
    missing = [name for name in needed if _blank(fields.get(name))]
    if missing:
        raise TransitionError(status, action, missing)
    return target


def actions_from(status: str) -> list[str]:
    """The actions allowed from STATUS, in the order a page offers them."""
    return [action for (source, action) in TRANSITIONS if source == status]


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """An item on the ledger whose deadline has passed."""
    return status in LIVE and deadline is not None and deadline < today


def is_due_soon(status: str, deadline: date | None, today: date, days: int = 7) -> bool:
    """An item on the ledger due within DAYS days (and not yet overdue)."""
    return status in LIVE and deadline is not None and today <= deadline <= today + timedelta(days=days)
