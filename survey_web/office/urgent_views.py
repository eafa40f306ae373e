"""The urgent inbox: new urgent comments, acknowledgement, follow-up with the patient (回访), outcome."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import update

from .. import audit
from ..accounts.scope import roles_required
from ..crypto import decrypt_contact, mask_phone
from ..extensions import db
from ..forms import posted
from ..models import Department, Response, SurveyPoint, UrgentAlert, utcnow
from ..timeutil import as_utc
from ..web.flow import refuse, saved
from ..web.paging import paginate
from . import bp
from .access import OFFICE_ROLES, alert_or_404, alerts_query
from .forms import CloseAlertForm, DismissAlertForm, EmptyForm, FollowupForm
from .routes import ack_cutoff, show_dt

PER_PAGE = 50
TABS = ("new", "followup", "closed", "all")
REASON_LABELS = {"self_harm": _l("Self-harm risk"), "violence": _l("Violence"), "bribery": _l("Bribery"),
                 "theft": _l("Theft"), "privacy": _l("Privacy breach"), "safety": _l("Patient safety")}


def _snapshot(alert: UrgentAlert) -> dict:
    return {"acknowledged_at": show_dt(alert.acknowledged_at) or None, "followup_note": alert.followup_note,
            "outcome": alert.outcome, "closed_at": show_dt(alert.closed_at) or None,
            "false_alarm": alert.false_alarm}


@bp.get("/urgent")
@roles_required(*OFFICE_ROLES)
def urgent():
    """The inbox: new, in follow-up, closed or all urgent comments in the user's scope."""
    tab = request.args.get("tab", "new")
    if tab not in TABS:
        tab = "new"
    query = alerts_query(current_user).add_columns(SurveyPoint.name, Department.name, Response.mode)
    if tab == "new":
        query = query.where(UrgentAlert.acknowledged_at.is_(None))
    elif tab == "followup":
        query = query.where(UrgentAlert.acknowledged_at.is_not(None), UrgentAlert.closed_at.is_(None))
    elif tab == "closed":
        query = query.where(UrgentAlert.closed_at.is_not(None))
    order = UrgentAlert.created_at.asc() if tab == "new" else UrgentAlert.created_at.desc()
    page = paginate(query.order_by(order, UrgentAlert.id), request.args.get("page", 1, type=int), PER_PAGE)
    cutoff = ack_cutoff()
    late = {row[0].id for row in page.rows if row[0].acknowledged_at is None and as_utc(row[0].created_at) < cutoff}
    return render_template("office/urgent.html", page=page, tab=tab, late=late, reasons=REASON_LABELS,
                           args={"tab": tab})


def _alert_page(alert: UrgentAlert, contact: str | None = None, status: int = 200, **forms):
    response = alert.comment.response
    masked = None
    if response.contact_encrypted:
        plain = decrypt_contact(response.contact_encrypted)
        masked = mask_phone(plain) if plain else _("(cannot be decrypted with the current keys)")
    forms.setdefault("followup_form", FollowupForm())
    forms.setdefault("close_form", CloseAlertForm())
    forms.setdefault("dismiss_form", DismissAlertForm())
    return render_template("office/alert.html", alert=alert, response=response, masked_contact=masked,
                           contact=contact, reasons=REASON_LABELS, form=EmptyForm(),
                           **forms), status


@bp.get("/urgent/<int:alert_id>")
@roles_required(*OFFICE_ROLES)
def alert(alert_id: int):
    """One urgent comment with its follow-up forms."""
    return _alert_page(alert_or_404(current_user, alert_id))


def _acknowledge(alert: UrgentAlert) -> bool:
    # Claimed with a conditional UPDATE: two staff clicking at once record one acknowledgement.
    now = utcnow()
    claimed = db.session.execute(update(UrgentAlert).where(UrgentAlert.id == alert.id,
                                                           UrgentAlert.acknowledged_at.is_(None))
                                 .values(acknowledged_at=now, acknowledged_by=current_user.id)).rowcount
    if claimed:
        audit.record("acknowledge", "urgent_alert", alert.id, before={"acknowledged_at": None},
                     after={"acknowledged_at": show_dt(now)})
    return bool(claimed)


def _open_alert(alert_id: int, form, form_name: str, acknowledge: bool = False):
    """The open alert ALERT_ID in the user's scope with FORM validated (else the page again with FORM's
    errors, 400). A closed alert is a 409. ACKNOWLEDGE: acting on it acknowledges it."""
    found = alert_or_404(current_user, alert_id)
    if found.closed_at is not None:
        abort(409)
    if not form.validate_on_submit():
        refuse(_alert_page(found, status=400, **{form_name: form}))
    if acknowledge and _acknowledge(found):
        db.session.refresh(found)
    return found


@bp.post("/urgent/<int:alert_id>/ack")
@roles_required(*OFFICE_ROLES)
def acknowledge(alert_id: int):
    """Acknowledge an urgent comment."""
    found = posted(alert_or_404(current_user, alert_id))
    if _acknowledge(found):
        db.session.commit()
        flash(_("Acknowledged. Please follow up with the patient and record the outcome."))
    return redirect(url_for("office.alert", alert_id=found.id))


@bp.post("/urgent/<int:alert_id>/followup")
@roles_required(*OFFICE_ROLES)
def followup(alert_id: int):
    """Record a follow-up with the patient (回访), appended to the record."""
    found = _open_alert(alert_id, form := FollowupForm(), "followup_form", acknowledge=True)
    before = _snapshot(found)
    now = utcnow()
    line = f"{show_dt(now)} {current_user.display_name}：{form.followup_note.data}"
    found.followup_note = f"{found.followup_note}\n{line}" if found.followup_note else line
    found.followup_at = now
    if form.outcome.data:
        found.outcome = form.outcome.data
    audit.record("followup", "urgent_alert", found.id, before=before, after=_snapshot(found))
    return saved(_("Follow-up recorded."), "office.alert", alert_id=found.id)


@bp.post("/urgent/<int:alert_id>/close")
@roles_required(*OFFICE_ROLES)
def close_alert(alert_id: int):
    """Close an urgent comment with its outcome (after a follow-up)."""
    found = _open_alert(alert_id, form := CloseAlertForm(), "close_form")
    if found.followup_at is None:
        form.outcome.errors.append(_("Record the follow-up with the patient before closing."))
        return _alert_page(found, status=400, close_form=form)
    before = _snapshot(found)
    found.outcome, found.closed_at = form.outcome.data, utcnow()
    audit.record("close", "urgent_alert", found.id, before=before, after=_snapshot(found))
    return saved(_("The urgent comment is closed."), "office.urgent")


@bp.post("/urgent/<int:alert_id>/dismiss")
@roles_required(*OFFICE_ROLES)
def dismiss_alert(alert_id: int):
    """Close a flagged comment as not urgent (误报), with the reason; no follow-up call is needed.

    The model's flag on the comment stays as it was; the staff's judgement is the alert's `false_alarm`,
    and `flask export-labels` exports the comment as not urgent.
    """
    found = _open_alert(alert_id, form := DismissAlertForm(), "dismiss_form", acknowledge=True)
    before = _snapshot(found)
    found.false_alarm, found.outcome, found.closed_at = True, form.reason.data, utcnow()
    audit.record("dismiss", "urgent_alert", found.id, before=before, after=_snapshot(found))
    return saved(_("Closed as not urgent."), "office.urgent")


@bp.post("/urgent/<int:alert_id>/contact")
@roles_required(*OFFICE_ROLES)
def reveal_contact(alert_id: int):
    """Show the full phone number for the follow-up call; each viewing is audited."""
    found = posted(alert_or_404(current_user, alert_id))
    encrypted = found.comment.response.contact_encrypted
    plain = decrypt_contact(encrypted) if encrypted else None
    if plain is None:
        abort(404)
    audit.record("view_contact", "urgent_alert", found.id)
    db.session.commit()
    response = _alert_page(found, contact=plain)
    return response[0], response[1], {"Cache-Control": "no-store"}
