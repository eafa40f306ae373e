"""Findings from forums, supervisors and walk-throughs: entered by the office, listed for everyone in scope."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from analysis.taxonomy import THEMES

from ..accounts.scope import department_ids, hospital_ids, roles_required
from ..extensions import db
from ..findings import records
from ..models import Department
from ..models.findings import FindingSource
from ..web.display import theme_label
from ..web.flow import saved
from ..web.paging import paginate
from . import bp
from .access import OFFICE_ROLES
from .forms import FindingForm

PER_PAGE = 50
FINDING_ROLES = (*OFFICE_ROLES, "complaints")
ENTRY_ROLES = ("admin", "quality", "complaints")
SOURCE_LABELS = {FindingSource.FORUM: _l("Patient forum (座谈会)"),
                 FindingSource.DEPUTIES: _l("Deputies and committee members (两代表一委员)"),
                 FindingSource.SUPERVISOR: _l("Conduct supervisor (行风监督员)"),
                 FindingSource.WALKTHROUGH: _l("Staff walk-through (就医流程体验)")}


def _can_enter() -> bool:
    return current_user.role in ENTRY_ROLES and current_user.hospital_id is not None


def _form() -> FindingForm:
    form = FindingForm()
    form.source.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(code), label) for code, label in SOURCE_LABELS.items()]
    departments = db.session.scalars(db.select(Department).where(
        Department.hospital_id == current_user.hospital_id).order_by(Department.code))
    form.department.choices = [SelectChoice("", _("Whole hospital"))] + [
        SelectChoice(str(d.id), d.name) for d in departments]
    form.themes.choices = [SelectChoice(code, theme_label(code)) for code in THEMES]
    return form


def _page(form: FindingForm | None, status: int = 200):
    source = request.args.get("source") if request.args.get("source") in set(FindingSource) else None
    query = records.listing(hospital_ids(current_user), department_ids(current_user), source)
    page = paginate(query, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("office/findings.html", page=page, form=form, source=source,
                           source_labels=SOURCE_LABELS, args={"source": source} if source else {}), status


@bp.get("/findings")
@roles_required(*FINDING_ROLES)
def findings():
    """Findings in the user's scope, newest first, and (for the office) the form to enter one."""
    return _page(_form() if _can_enter() else None)


@bp.post("/findings")
@roles_required(*ENTRY_ROLES)
def add_finding():
    """Record a finding; a bad value shows the form again with everything entered kept."""
    if not _can_enter():
        return _page(None, 403)
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 400)
    entry = records.NewFinding(source=form.source.data, found_on=form.found_on.data,
                               department_id=int(form.department.data) if form.department.data else None,
                               themes=tuple(form.themes.data or ()), text=form.text.data,
                               serious=form.serious.data)
    records.record(current_user.hospital_id, entry, current_user.id)
    return saved(_("Finding recorded."), "office.findings")
