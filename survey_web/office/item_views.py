"""One problem-list item: evidence, the four 明确, ledger steps, split, 督办 notes and its history."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from analysis.ledger import LIVE, SUGGESTION_MARK, TransitionError, actions_from

from ..accounts.scope import roles_required
from ..extensions import db
from ..forms import posted
from ..models import AuditEvent, Department, User
from ..problems import ledger
from ..problems.clusters import item_voices
from ..problems.followup import figures_after
from ..problems.generate import department_banks, question_text
from ..problems.listexport import department_name
from ..timeutil import today
from ..web.flow import refuse, saved
from . import bp
from .access import OFFICE_ROLES, can_manage, item_or_404, managed
from .forms import ActionForm, EmptyForm, ItemForm, NoteForm, SplitForm, SplitVoicesForm
from .routes import STATUS_LABELS

FIELD_LABELS = {"problem": _l("Problem (整改事项)"), "measure": _l("Measure (整改措施)"),
                "owner_office": _l("Responsible office (责任部门)"), "owner_person": _l("Responsible person (责任人)"),
                "deadline": _l("Deadline (整改时限)"), "measure_taken": _l("Measure taken"),
                "closure_evidence": _l("Evidence"), "reason": _l("Reason"), "status": _l("Status"),
                "count": _l("Times reported"), "text": _l("Note"), "new_problem": _l("Problem of the new item"),
                "new_count": _l("Mentions moved to it")}
HISTORY_ACTIONS = {"edit": _l("Edited the four 明确"), "accept": _l("Accept and open"), "reject": _l("Reject"),
                   "restore": _l("Restore as draft"), "start": _l("Start supervision"), "close": _l("Close the item"),
                   "reopen": _l("Reopen"), "merge": _l("Merged drafts into this item"), "split": _l("Split"),
                   "note": _l("Supervision record (督办)"), "create": _l("Raised by the office")}


def describe(event: AuditEvent) -> tuple[str, list[tuple[str, str]]]:
    """An audit event of an item as words: the action, and the fields it set with their new values."""
    fields = []
    for name, value in (event.after or {}).items():
        if name not in FIELD_LABELS or value in (None, "", []):
            continue
        shown = str(STATUS_LABELS[value]) if name == "status" and value in STATUS_LABELS else str(value)
        fields.append((str(FIELD_LABELS[name]), shown))
    return str(HISTORY_ACTIONS.get(event.action, event.action)), fields


def _page(item, status: int = 200, **forms):
    chain = ledger.history(item)
    events = db.session.execute(
        select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.entity == "problem_item", AuditEvent.entity_id.in_([row.id for row in chain]))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    notes = sorted((note for row in chain for note in row.notes), key=lambda n: (n.at, n.id), reverse=True)
    names = dict(db.session.execute(select(Department.id, Department.name)
                                    .where(Department.hospital_id == item.problem_list.hospital_id)).all())
    forms.setdefault("item_form", ItemForm(obj=item))
    forms.setdefault("action_form", ActionForm())
    forms.setdefault("split_form", SplitForm())
    forms.setdefault("note_form", NoteForm())
    voices = item_voices(item) if item.cluster_id or item.source == "evidence" else []
    forms.setdefault("voices_form", _voices_form(voices))
    return render_template(
        "office/item.html", item=item, plist=item.problem_list, chain=chain, events=events, notes=notes,
        names=names, voices=voices, kinds=_kind_counts(voices), actions=actions_from(item.status) if can_manage() else [], form=EmptyForm(), describe=describe,
        editable=can_manage() and item.status in ledger.EDITABLE, figures=figures_after(item, item.problem_list),
        department=department_name(item, item.problem_list), question=question_text(item.question_code, prefer=department_banks(item.department_id))
        if item.question_code else None, **forms), status


def _kind_counts(voices) -> dict[str, int]:
    counts: dict[str, int] = {}
    for voice in voices:
        counts[voice.kind] = counts.get(voice.kind, 0) + 1
    return counts


def _voices_form(voices, formdata=None) -> SplitVoicesForm:
    form = SplitVoicesForm(formdata=formdata) if formdata is not None else SplitVoicesForm()
    form.voice.choices = [(f"{v.kind}:{v.ref_id}", v.text) for v in voices]
    return form


def _managed_item(item_id: int, form, name: str):
    """The item a manager posts FORM about (else the page again with FORM's errors, 400)."""
    found = managed(item_or_404(current_user, item_id))
    if not form.validate_on_submit():
        refuse(_page(found, 400, **{name: form}))
    return found


@bp.get("/items/<int:item_id>")
@roles_required(*OFFICE_ROLES)
def item(item_id: int):
    """One item: evidence, the four 明确, ledger steps, notes and history."""
    return _page(item_or_404(current_user, item_id))


@bp.post("/items/<int:item_id>/edit")
@roles_required(*OFFICE_ROLES)
def edit_item(item_id: int):
    """Save the four 明确 (quality office only)."""
    found = _managed_item(item_id, form := ItemForm(), "item_form")
    values = {name: (value.strip() or None) if isinstance(value, str) else value
              for name, value in form.data.items() if name in ledger.FIELDS}
    try:
        changed = ledger.edit(found, values)
    except TransitionError:
        abort(409)
    return saved(_("Saved.") if changed else _("Nothing changed."), "office.item", item_id=found.id)


@bp.post("/items/<int:item_id>/action")
@roles_required(*OFFICE_ROLES)
def act(item_id: int):
    """Take one ledger step: accept, reject, restore, start, close or reopen."""
    found = managed(item_or_404(current_user, item_id))
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        ledger.act(found, form.action.data, current_user, reason=form.reason.data,
                   measure_taken=form.measure_taken.data, closure_evidence=form.closure_evidence.data)
    except TransitionError as error:
        if not error.missing:
            abort(409)
        missing = "、".join(str(FIELD_LABELS.get(name, name)) for name in error.missing)
        form.reason.errors.append(_("Please fill in: %(fields)s", fields=missing))
        if "measure" in error.missing and (found.measure or "").startswith(SUGGESTION_MARK):
            form.reason.errors.append(_("The measure is still a suggestion (【建议】): adapt it and remove the mark."))
        return _page(found, 400, action_form=form)
    return saved(_("The item is now: %(status)s", status=_status_label(found.status)), "office.item",
                 item_id=found.id)


def _status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


@bp.post("/items/<int:item_id>/split")
@roles_required(*OFFICE_ROLES)
def split_item(item_id: int):
    """Split part of a draft off into a new draft."""
    found = _managed_item(item_id, form := SplitForm(), "split_form")
    try:
        part = ledger.split(found, form.problem.data, form.count.data)
    except TransitionError:
        form.count.errors.append(_("Only a draft can be split, and at most its own mentions can move."))
        return _page(found, 400, split_form=form)
    return saved(_("Split: the new draft is below; edit its four 明确."), "office.item", item_id=part.id)


@bp.post("/items/<int:item_id>/split-voices")
@roles_required(*OFFICE_ROLES)
def split_voices(item_id: int):
    """Move chosen comments of a specific problem to a new draft; next month's grouping follows."""
    found = managed(item_or_404(current_user, item_id))
    form = _voices_form(item_voices(found), request.form)
    if not form.validate_on_submit():
        return _page(found, 400, voices_form=form)
    refs = {(kind, int(ref)) for kind, ref in (value.split(":", 1) for value in form.voice.data)}
    try:
        part = ledger.split_voices(found, refs, form.problem.data)
    except TransitionError:
        form.voice.errors.append(_("Choose some, but not all, of the comments of a draft."))
        return _page(found, 400, voices_form=form)
    return saved(_("Split: the chosen comments are a problem of their own from now on."), "office.item",
                 item_id=part.id)


@bp.post("/items/<int:item_id>/notes")
@roles_required(*OFFICE_ROLES)
def add_note(item_id: int):
    """Progress from the responsible department (department heads may report on their items)."""
    found = item_or_404(current_user, item_id)
    form = NoteForm()
    if found.status not in LIVE:
        abort(409)
    if not form.validate_on_submit():
        return _page(found, 400, note_form=form)
    ledger.add_note(found, current_user, "progress", form.text.data)
    return saved(_("Progress recorded."), "office.item", "#notes", item_id=found.id)


@bp.post("/items/<int:item_id>/remind")
@roles_required(*OFFICE_ROLES)
def remind(item_id: int):
    """Record a reminder (催办) on an overdue item now."""
    found = posted(managed(item_or_404(current_user, item_id)))
    sent = ledger.remind(found, current_user, today(), every_days=0)
    return saved(_("Reminder recorded.") if sent else _("Only overdue items on the ledger get reminders."),
                 "office.item", "#notes", item_id=found.id)

