"""The office overview, and the labels and helpers every office template uses."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from analysis.deidentify import deidentify
from analysis.ledger import LIVE, is_due_soon, is_overdue

from ..accounts.scope import roles_required
from ..extensions import db
from ..models import Comment, Response, UrgentAlert, utcnow
from ..models.problems import ProblemItem, ProblemList
from ..timeutil import month_window, previous_month, this_month, today
from ..web.display import show_date, show_dt, theme_label
from . import bp
from .access import OFFICE_ROLES, alerts_query, can_manage, comments_query, items_query, lists_query

STATUS_LABELS = {"draft": _l("Awaiting decision"), "open": _l("Open"), "in_progress": _l("In progress"),
                 "closed": _l("Closed"), "carried": _l("Carried over"), "rejected": _l("Rejected"),
                 "merged": _l("Merged")}
ACTION_LABELS = {"accept": _l("Accept and open"), "reject": _l("Reject"), "restore": _l("Restore as draft"),
                 "start": _l("Start supervision"), "close": _l("Close the item"), "reopen": _l("Reopen")}
SOURCE_LABELS = {"theme": _l("Comments"), "question": _l("Survey question"), "manual": _l("Raised by the office"),
                 "cluster": _l("Specific problem"), "evidence": _l("Serious complaint or finding")}
TREND_LABELS = {"new": _l("New problem"), "rising": _l("Rising"), "falling": _l("Falling"), "steady": _l("Steady"),
                "recurring": _l("Back after closing (销号)")}
KIND_LABELS = {"survey": _l("Survey comments"), "complaint": _l("Complaints"), "hotline": _l("Hotline work orders"),
               "finding": _l("Findings")}
MODE_LABELS = {"self": _l("Self-completed"), "volunteer_assisted": _l("Volunteer-assisted")}
POLARITY_LABELS = {"pos": _l("Positive"), "neg": _l("Negative")}


@bp.context_processor
def office_helpers() -> dict:
    """Labels and helpers for office templates."""
    return {"theme_label": theme_label, "show_dt": show_dt, "show_date": show_date, "deidentify": deidentify,
            "can_manage": can_manage, "STATUS_LABELS": STATUS_LABELS, "ACTION_LABELS": ACTION_LABELS,
            "SOURCE_LABELS": SOURCE_LABELS, "TREND_LABELS": TREND_LABELS, "KIND_LABELS": KIND_LABELS,
            "MODE_LABELS": MODE_LABELS, "POLARITY_LABELS": POLARITY_LABELS,
            "is_overdue": is_overdue, "is_due_soon": is_due_soon, "today": today()}


def ack_cutoff():
    """Urgent alerts created before this and still unacknowledged are highlighted."""
    return utcnow() - timedelta(hours=current_app.config["URGENT_ACK_HOURS"])


@bp.get("/")
@roles_required(*OFFICE_ROLES)
def index():
    """The overview: this month's comments, urgent comments waiting, items overdue or due soon."""
    month = this_month()
    start, end = month_window(month)
    comments = db.session.scalar(comments_query(current_user, (func.count(Comment.id),))
                                 .where(Response.submitted_at >= start, Response.submitted_at < end))
    unacked = alerts_query(current_user).where(UrgentAlert.acknowledged_at.is_(None))
    new_alerts = db.session.scalar(select(func.count()).select_from(unacked.subquery()))
    late_alerts = db.session.scalar(select(func.count()).select_from(
        unacked.where(UrgentAlert.created_at < ack_cutoff()).subquery()))
    day = today()
    live = list(db.session.scalars(items_query(current_user).where(ProblemItem.status.in_(LIVE))
                                   .order_by(ProblemItem.deadline, ProblemItem.id)))
    overdue = [i for i in live if is_overdue(i.status, i.deadline, day)]
    due_soon = [i for i in live if is_due_soon(i.status, i.deadline, day)]
    lists = list(db.session.scalars(lists_query(current_user).order_by(ProblemList.month.desc(), ProblemList.scope_key)
                                    .limit(8)))
    last_month_ready = any(pl.month == previous_month() for pl in lists)
    return render_template("office/index.html", month=month, comments=comments, new_alerts=new_alerts,
                           late_alerts=late_alerts, live=live, overdue=overdue, due_soon=due_soon, lists=lists,
                           last_month_ready=last_month_ready, previous=previous_month())
