"""The monthly problem lists: index, generation on demand, the list page, merging, exports, 结果通报."""

from __future__ import annotations

import json

from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from analysis.ledger import LIVE, ItemStatus, TransitionError
from analysis.taxonomy import THEMES

from .. import audit
from ..accounts.scope import hospital_ids, roles_required, visible_departments
from ..extensions import db
from ..forms import posted
from ..jobs import wait_in_process
from ..jobs.problems import enqueue_generation
from ..models import Department, Hospital, utcnow
from ..models.problems import ProblemItem, ProblemList
from ..problems import ledger, listexport
from ..problems.followup import next_month_figures
from ..problems.summary import draft_summary
from ..timeutil import previous_month, today
from ..web.flow import back, refuse, saved
from . import bp
from .access import OFFICE_ROLES, items_query, list_or_404, lists_query, managed, require_manager
from .forms import EmptyForm, GenerateForm, ManualItemForm, SummaryForm
from .routes import theme_label

MIMES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8",
         "pdf": "application/pdf", "json": "application/json"}


def _generate_form() -> GenerateForm:
    form = GenerateForm(month=previous_month())
    visible = hospital_ids(current_user)
    query = select(Hospital).order_by(Hospital.code)
    if visible is not None:
        query = query.where(Hospital.id.in_(visible or {-1}))
    form.hospital.choices = [SelectChoice(h.id, h.name) for h in db.session.scalars(query)]
    return form


@bp.get("/problems")
@roles_required(*OFFICE_ROLES)
def problems():
    """Every list the user may open, by month, and the generate form for the quality office."""
    lists = list(db.session.scalars(lists_query(current_user).order_by(ProblemList.month.desc(),
                                                                       ProblemList.hospital_id, ProblemList.scope_key)))
    by_month: dict[str, list[ProblemList]] = {}
    for problem_list in lists:
        by_month.setdefault(problem_list.month, []).append(problem_list)
    return render_template("office/problems.html", by_month=by_month, form=_generate_form(),
                           previous=previous_month())


@bp.post("/problems/generate")
@roles_required(*OFFICE_ROLES)
def generate():
    """Generate a month's lists on demand (a job; waited for in the embedded mode)."""
    require_manager()
    form = _generate_form()
    if not form.validate_on_submit():
        if form.hospital.errors:
            abort(404)  # a hospital outside the user's scope
        flash(_("Please give a month like 2025-10."))
        return redirect(url_for("office.problems"))
    hospital_id = form.hospital.data or (form.hospital.choices[0].value if form.hospital.choices else None)
    if hospital_id not in {choice.value for choice in form.hospital.choices}:
        abort(404)
    if not enqueue_generation(hospital_id, form.month.data, refresh=form.refresh.data == "1",
                              user_id=current_user.id):
        flash(_("The job queue is not reachable; please try again in a minute."))
        return redirect(url_for("office.problems"))
    wait_in_process(current_app._get_current_object())  # embedded mode: show the result at once
    made = db.session.scalar(select(ProblemList).where(ProblemList.hospital_id == hospital_id,
                                                       ProblemList.scope_key == 0,
                                                       ProblemList.month == form.month.data))
    if made is None:
        flash(_("Generation has been queued; the list appears here when the worker has finished."))
        return redirect(url_for("office.problems"))
    flash(_("The problem list for %(month)s is ready.", month=form.month.data))
    return redirect(url_for("office.problem_list", list_id=made.id))


def _related_items(problem_list: ProblemList) -> list[ProblemItem]:
    """For a department list: items of the hospital list that concern this department."""
    if problem_list.department_id is None:
        return []
    return list(db.session.scalars(
        items_query(current_user).where(ProblemList.hospital_id == problem_list.hospital_id,
                                        ProblemList.scope_key == 0, ProblemList.month == problem_list.month,
                                        ProblemItem.department_id == problem_list.department_id,
                                        ProblemItem.status.not_in((ItemStatus.REJECTED, ItemStatus.MERGED)))))


def _manual_form() -> ManualItemForm:
    form = ManualItemForm()
    form.theme.choices = [SelectChoice("", _("Other"))] + [
        SelectChoice(code, theme_label(code)) for code in THEMES]
    form.department.choices = [SelectChoice("", _("Whole hospital"))] + [
        SelectChoice(str(d.id), d.name) for d in visible_departments(current_user)]
    return form


SPECIFIC_SOURCES = ("cluster", "evidence")


def _department_names(hospital_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(Department.id, Department.name)
                                   .where(Department.hospital_id == hospital_id)).all())


def draft_rows(drafts: list[ProblemItem]) -> list[tuple[ProblemItem | None, str | None]]:
    """Drafts in reading order: each ranked item, and under a theme item the specific problems of its
    theme (item, None); specific problems whose theme has no item of its own get a heading (None, theme)."""
    nested: dict[str, list[ProblemItem]] = {}
    for item in drafts:
        if item.source in SPECIFIC_SOURCES:
            nested.setdefault(item.theme or "", []).append(item)
    rows: list[tuple[ProblemItem | None, str | None]] = []
    for item in drafts:
        if item.source in SPECIFIC_SOURCES:
            continue
        rows.append((item, None))
        if item.source == "theme":
            rows += [(child, item.theme) for child in nested.pop(item.theme or "", [])]
    for theme, children in nested.items():
        rows.append((None, theme))
        rows += [(child, theme) for child in children]
    return rows


@bp.get("/problems/<int:list_id>")
@roles_required(*OFFICE_ROLES)
def problem_list(list_id: int):
    """One list: ledger, drafts, items of other lists that concern it, and the summary."""
    found = list_or_404(current_user, list_id)
    groups = {"draft": [], "ledger": [], "carried": [], "rejected": []}
    for item in sorted(found.items, key=lambda i: (i.carried_from_id is not None, i.rank or 10_000, -i.count, i.id)):
        if item.status in (*LIVE, ItemStatus.CLOSED):
            groups["ledger"].append(item)
        elif item.status in groups:
            groups[item.status].append(item)
    summary_form = SummaryForm(summary=found.summary or draft_summary(found, today()))
    siblings = db.session.scalars(lists_query(current_user).where(
        ProblemList.hospital_id == found.hospital_id, ProblemList.month == found.month)
        .order_by(ProblemList.scope_key)).all()
    return render_template("office/list.html", plist=found, groups=groups, related=_related_items(found),
                           draft_rows=draft_rows(groups["draft"]), names=_department_names(found.hospital_id),
                           siblings=siblings,
                           figures=next_month_figures(found), form=EmptyForm(), summary_form=summary_form,
                           manual_form=_manual_form(), title=listexport.title(found))


@bp.get("/problems/<int:list_id>/print")
@roles_required(*OFFICE_ROLES)
def print_list(list_id: int):
    """The printable page for the meeting."""
    found = list_or_404(current_user, list_id)
    return render_template("office/print.html", plist=found, rows=listexport.rows(found),
                           headers=listexport.HEADERS, title=listexport.title(found),
                           subtitle=listexport.subtitle(found))


@bp.get("/problems/<int:list_id>/export.<fmt>")
@roles_required(*OFFICE_ROLES)
def export_list(list_id: int, fmt: str):
    """The list as XLSX, CSV, PDF or JSON."""
    found = list_or_404(current_user, list_id)
    if fmt not in MIMES:
        abort(404)
    if fmt == "json":
        body = json.dumps(listexport.as_dict(found), ensure_ascii=False, indent=2).encode()
    else:
        body = {"xlsx": listexport.to_xlsx, "csv": listexport.to_csv, "pdf": listexport.to_pdf}[fmt](found)
    name = f"problem-list-{found.month}{'-' + found.department.code if found.department else ''}.{fmt}"
    return HttpResponse(body, mimetype=MIMES[fmt], headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.post("/problems/<int:list_id>/merge")
@roles_required(*OFFICE_ROLES)
def merge(list_id: int):
    """Merge the chosen drafts into the highest-ranked of them."""
    found = posted(managed(list_or_404(current_user, list_id)))
    ids = {int(v) for v in request.form.getlist("item") if v.isdigit()}
    chosen = [i for i in found.items if i.id in ids]
    if len(chosen) < 2 or len(chosen) != len(ids):
        return back(_("Choose at least two drafts of this list to merge."), "office.problem_list", list_id=found.id)
    chosen.sort(key=lambda i: (i.rank or 10_000, i.id))
    try:
        ledger.merge(chosen[0], chosen[1:])
    except TransitionError:
        return back(_("Only drafts awaiting decision can be merged."), "office.problem_list", list_id=found.id)
    return saved(_("%(n)d drafts merged into one item.", n=len(chosen)), "office.item", item_id=chosen[0].id)


def _managed_list(list_id: int, form, message: str):
    """The list a manager posts FORM about (else back to the list with MESSAGE)."""
    found = managed(list_or_404(current_user, list_id))
    if not form.validate_on_submit():
        refuse(back(message, "office.problem_list", list_id=found.id))
    return found


@bp.post("/problems/<int:list_id>/items")
@roles_required(*OFFICE_ROLES)
def add_item(list_id: int):
    """Add an item the data did not raise, as a draft."""
    found = _managed_list(list_id, form := _manual_form(), _("The new item needs a problem description."))
    department_id = int(form.department.data) if form.department.data else found.department_id
    item = ledger.add_manual(found, form.data, theme=form.theme.data or None, department_id=department_id,
                             count=form.count.data or 0)
    db.session.commit()
    return redirect(url_for("office.item", item_id=item.id))


@bp.post("/problems/<int:list_id>/summary")
@roles_required(*OFFICE_ROLES)
def summary(list_id: int):
    """Save or publish the month's summary (结果通报)."""
    found = _managed_list(list_id, form := SummaryForm(), _("The summary cannot be empty."))
    publish = request.form.get("publish") == "1"
    before = {"summary": found.summary, "published": found.published_at is not None}
    found.summary = form.summary.data
    if publish:
        found.published_at, found.published_by = utcnow(), current_user.id
    audit.record("publish" if publish else "edit_summary", "problem_list", found.id, before=before,
                 after={"summary": found.summary, "published": found.published_at is not None})
    return saved(_("The summary is published.") if publish else _("The summary is saved."),
                 "office.problem_list", "#summary", list_id=found.id)

