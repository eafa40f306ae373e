"""Volunteer tablets: enrolment links, renaming, the idle timeout, revocation. Every change is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..accounts import tablets
from ..accounts.scope import roles_required
from ..extensions import db
from ..forms import EmptyForm, posted
from ..models import KioskDevice
from . import bp
from .forms import TabletForm, TabletSettingsForm


def _tablet_or_404(tablet_id: int) -> KioskDevice:
    device = db.session.get(KioskDevice, tablet_id)
    if device is None:
        abort(404)
    return device


def _page(form: TabletForm | None = None, link: str | None = None, link_for: KioskDevice | None = None,
          status: int = 200):
    devices = db.session.scalars(select(KioskDevice).order_by(KioskDevice.revoked_at.is_not(None),
                                                              KioskDevice.name, KioskDevice.id)).all()
    html = render_template("admin/tablets.html", devices=devices, state=tablets.state, form=form or TabletForm(),
                           settings=TabletSettingsForm, empty=EmptyForm(), link=link, link_for=link_for)
    return html, status


@bp.get("/tablets")
@roles_required("admin")
def tablets_index():
    """Every volunteer tablet with its state; a form for a new one."""
    return _page()


@bp.post("/tablets")
@roles_required("admin")
def new_tablet():
    """Create a tablet and show its enrolment link once (it is not stored in the clear anywhere else)."""
    form = TabletForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    device, token = tablets.create(form.name.data, form.hours.data)
    db.session.flush()
    return _show_link(device, token, "create", {"name": device.name, "link_hours": form.hours.data})


def _show_link(device: KioskDevice, token: str, action: str, after: dict):
    audit.record(action, "kiosk", device.id, after=after)
    db.session.commit()
    return _page(link=tablets.enrol_url(token), link_for=device)


@bp.post("/tablets/<int:tablet_id>/link")
@roles_required("admin")
def tablet_link(tablet_id: int):
    """A new enrolment link for a tablet not enrolled yet (the old link stops working)."""
    device = _tablet_or_404(tablet_id)
    form = TabletForm(name=device.name)
    if not form.validate_on_submit():
        abort(400)
    if tablets.state(device) not in ("awaiting", "no_link"):
        flash(_("Tablet %(name)s is already enrolled or revoked; create a new tablet instead.", name=device.name))
        return redirect(url_for("admin.tablets_index"))
    token = tablets.new_link(device, form.hours.data)
    return _show_link(device, token, "new_link", {"link_hours": form.hours.data})


@bp.post("/tablets/<int:tablet_id>/settings")
@roles_required("admin")
def tablet_settings(tablet_id: int):
    """Rename a tablet and set its idle timeout."""
    device = _tablet_or_404(tablet_id)
    form = TabletSettingsForm()
    if not form.validate_on_submit():
        flash(_("Not saved: the name is required and the idle timeout is 1 to 60 minutes."))
        return redirect(url_for("admin.tablets_index"))
    before = {"name": device.name, "idle_seconds": device.idle_seconds}
    device.name, device.idle_seconds = form.name.data, form.idle_minutes.data * 60
    after = {"name": device.name, "idle_seconds": device.idle_seconds}
    if after != before:
        audit.record("update", "kiosk", device.id, before=before, after=after)
        db.session.commit()
        flash(_("Tablet %(name)s saved.", name=device.name))
    return redirect(url_for("admin.tablets_index"))


@bp.post("/tablets/<int:tablet_id>/revoke")
@roles_required("admin")
def revoke_tablet(tablet_id: int):
    """Revoke a tablet: from the next request on it can record nothing, and its link no longer works."""
    device = posted(_tablet_or_404(tablet_id))
    if device.revoked_at is None:
        tablets.revoke(device)
        audit.record("revoke", "kiosk", device.id, after={"name": device.name})
        db.session.commit()
        flash(_("Tablet %(name)s is revoked. Interviews still kept on it can no longer be sent.", name=device.name))
    return redirect(url_for("admin.tablets_index"))
