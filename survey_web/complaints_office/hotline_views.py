"""12345/12320 work orders: upload a platform export, read its per-row report, download the replies."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.scope import roles_required
from ..complaints.access import OFFICE_ROLES
from ..complaints.hotline import formats, replies
from ..complaints.hotline.importing import import_and_commit
from ..complaints.hotline.messages import report_items, report_lines, summary
from ..extensions import db
from ..jobs.hotline import enqueue_classify_cases
from ..models import ComplaintCase, HotlineImport, HotlineOrder, utcnow
from ..models.complaints import CaseStatus
from ..timeutil import as_utc
from . import bp
from .forms import HotlineRepliesForm, HotlineUploadForm, choices

MAX_UPLOAD = 8 * 1024 * 1024  # a 5,000-row export is about 300 KB as XLSX, 1 MB as CSV
DUE_SOON = timedelta(days=1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.url_value_preprocessor
def allow_large_upload(endpoint, _values) -> None:
    # Runs before CSRF protection reads the form: only the upload may exceed the app's 256 KB limit.
    if endpoint == "complaints_office.hotline_upload" and request.method == "POST":
        request.max_content_length = MAX_UPLOAD


@bp.context_processor
def hotline_helpers() -> dict:
    return {"hotline_order": hotline_order, "as_utc": as_utc, "utc_now": utcnow}


def hotline_order(case) -> HotlineOrder | None:
    """The work order behind CASE, if it came from a hotline platform (for the case page)."""
    if case.channel not in ("12345", "12320"):
        return None
    return db.session.scalar(select(HotlineOrder).where(HotlineOrder.case_id == case.id))


def _hospital_or_403():
    if current_user.hospital is None:
        abort(403)  # an administrator without a hospital imports with `flask complaints import-hotline`
    return current_user.hospital


def _names() -> list[tuple[str, str]]:
    return [(name, fmt.label) for name, fmt in formats.all_formats().items()]


def _upload_form(form: HotlineUploadForm | None = None) -> HotlineUploadForm:
    form = form or HotlineUploadForm()
    form.platform.choices = choices([("", _("Recognise from the header row")), *_names()])
    return form


def _replies_form(**kwargs) -> HotlineRepliesForm:
    form = HotlineRepliesForm(**kwargs)
    form.platform.choices = choices(_names())
    return form


def _page(upload: HotlineUploadForm | None = None, status: int = 200):
    hospital = _hospital_or_403()
    upload, export = _upload_form(upload), _replies_form(formdata=None)
    imports = db.session.scalars(select(HotlineImport).where(HotlineImport.hospital_id == hospital.id)
                                 .order_by(HotlineImport.created_at.desc(), HotlineImport.id.desc()).limit(10))
    waiting = list(db.session.scalars(
        select(HotlineOrder).join(ComplaintCase, ComplaintCase.id == HotlineOrder.case_id)
        .options(selectinload(HotlineOrder.case))
        .where(HotlineOrder.hospital_id == hospital.id, ComplaintCase.status == CaseStatus.OPEN.value)
        .order_by(HotlineOrder.platform_due_at, HotlineOrder.id).limit(50)))
    now = utcnow()
    return render_template("complaints_office/hotline.html", upload=upload, export=export, imports=list(imports),
                           waiting=waiting, current=now, soon=now + DUE_SOON), status


@bp.get("/hotline")
@roles_required(*OFFICE_ROLES)
def hotline():
    """Upload a work-order export; the latest imports; open orders by the platform's deadline."""
    return _page()


@bp.post("/hotline")
@roles_required(*OFFICE_ROLES)
def hotline_upload():
    """Import (or only check) the uploaded export, then show its report."""
    hospital = _hospital_or_403()
    form = _upload_form()
    if not form.validate_on_submit():
        return _page(form, 400)
    upload = form.file.data
    result = import_and_commit(hospital, upload.read(), upload.filename or "upload",
                               format_name=form.platform.data or None, user=current_user,
                               store=not form.check_only.data)
    if form.check_only.data:
        return _report(result.record, stored=False)
    enqueue_classify_cases(result.case_ids)
    return redirect(url_for("complaints_office.hotline_import", import_id=result.record.id))


@bp.get("/hotline/imports/<int:import_id>")
@roles_required(*OFFICE_ROLES)
def hotline_import(import_id: int):
    """One import's counts and its per-row report, in the reader's language."""
    hospital = _hospital_or_403()
    record = db.session.get(HotlineImport, import_id)
    if record is None or record.hospital_id != hospital.id:
        abort(404)
    return _report(record, stored=True)


def _report(record: HotlineImport, stored: bool):
    return render_template("complaints_office/hotline_report.html", record=record, stored=stored,
                           summary=summary(record, stored=stored), lines=report_lines(record.report),
                           items=report_items(record.report))


@bp.post("/hotline/replies")
@roles_required(*OFFICE_ROLES)
def hotline_replies():
    """The replied orders as the platform's file, for upload back (each marked exported)."""
    hospital = _hospital_or_403()
    form = _replies_form()
    if not form.validate_on_submit():
        abort(400)
    fmt = formats.get(form.platform.data)
    orders = replies.replied_orders(hospital.id, fmt, form.include_exported.data)
    body = replies.export(fmt, orders, form.kind.data)
    db.session.commit()
    mimetype = "text/csv; charset=utf-8" if form.kind.data == "csv" else XLSX
    filename = f"hotline-{fmt.name}-replies-{utcnow():%Y%m%d%H%M}.{form.kind.data}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
