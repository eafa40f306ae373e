"""Comment review: filters, keyword search and paging; staff corrections of themes and polarity.

The keyword is posted and kept in the session, never put in a URL: URLs end up in proxy and server logs,
and a keyword is often a patient's name or number.
"""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from analysis.deidentify import deidentify
from analysis.taxonomy import THEMES

from .. import banks, exports
from ..accounts.scope import roles_required, visible_departments
from ..extensions import db
from ..forms import clean_text, posted
from ..i18n import pick
from ..models import Comment, Department, Response, SurveyPoint, UrgentAlert
from ..models.alerts import still_urgent
from ..responses.confirm import to_confirm
from ..responses.search import keyword_filter
from ..responses.themes import has_theme, reset_correction, reviewed, save_correction, themes_of
from ..timeutil import month_window
from ..web.paging import paginate
from . import bp
from .access import OFFICE_ROLES, comment_or_404, comments_query
from .forms import CommentFilterForm, CorrectionForm, EmptyForm
from .routes import MODE_LABELS, POLARITY_LABELS, show_dt, theme_label

PER_PAGE = 50
EXPORT_LIMIT = 20000
SEARCH_KEY = "comment_search"
FILTERS = ("month", "department", "point", "theme", "polarity", "urgent", "mode", "reviewed")
COLUMNS = (Comment, Response.mode, Response.submitted_at, SurveyPoint.name, Department.name, Department.id,
           still_urgent().label("urgent"))


def _filter_args() -> dict[str, str]:
    """The filters in the query string (a `q` there is ignored: keywords come from the session)."""
    return {k: v for k, v in request.args.items() if k in FILTERS and v}


def _filter_form() -> CommentFilterForm:
    values = _filter_args()
    if keyword := session.get(SEARCH_KEY):
        values["q"] = keyword
    form = CommentFilterForm(MultiDict(values))
    departments = visible_departments(current_user)
    several = len({d.hospital_id for d in departments}) > 1
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(str(d.id), f"{d.hospital.name} · {d.name}" if several else d.name) for d in departments]
    form.point.choices = [SelectChoice("", _("All survey points"))] + [
        SelectChoice(str(p.id), f"{d.name} · {p.name}") for d in departments for p in d.points]
    form.theme.choices = [SelectChoice("", _("All themes"))] + [
        SelectChoice(code, theme_label(code)) for code in THEMES]
    form.polarity.choices = [SelectChoice("", _("Any polarity"))] + [
        SelectChoice(k, str(v)) for k, v in POLARITY_LABELS.items()]
    form.urgent.choices = [SelectChoice("", _("Urgent or not")), SelectChoice("yes", _("Urgent only")),
                           SelectChoice("no", _("Not urgent"))]
    form.mode.choices = [SelectChoice("", _("Any mode"))] + [
        SelectChoice(k, str(v)) for k, v in MODE_LABELS.items()]
    form.reviewed.choices = [SelectChoice("", _("Reviewed or not")),
                             SelectChoice("yes", _("Corrected by staff")),
                             SelectChoice("no", _("Model labels only")),
                             SelectChoice("confirm", _("To confirm: least sure first"))]
    form.validate()
    return form


def _ok(field) -> str:
    """A filter's value, or '' if it did not validate (a guessed id outside the choices is ignored)."""
    return "" if field.errors or not field.data else str(field.data)


def filtered_query(form: CommentFilterForm, export: str | None = None):
    """The comments query narrowed by FORM's valid filters, newest first (a keyword search is audited)."""
    query = comments_query(current_user, COLUMNS)
    if month := _ok(form.month):
        start, end = month_window(month)
        query = query.where(Response.submitted_at >= start, Response.submitted_at < end)
    if department := _ok(form.department):
        query = query.where(Department.id == int(department))
    if point := _ok(form.point):
        query = query.where(SurveyPoint.id == int(point))
    theme, polarity = _ok(form.theme), _ok(form.polarity)
    if theme or polarity:
        query = query.where(has_theme(theme or None, polarity or None))
    if urgent := _ok(form.urgent):
        query = query.where(still_urgent() if urgent == "yes" else ~still_urgent())
    if mode := _ok(form.mode):
        query = query.where(Response.mode == mode)
    state = _ok(form.reviewed)
    if state in ("yes", "no"):
        query = query.where(reviewed(Comment.id) if state == "yes" else ~reviewed(Comment.id))
    if keyword := _ok(form.q):
        query = keyword_filter(query, keyword, export=export)
    if state == "confirm":
        return to_confirm(query)
    return query.order_by(Response.submitted_at.desc(), Comment.id.desc())


@bp.get("/comments")
@roles_required(*OFFICE_ROLES)
def comments():
    """The comment list with filters, keyword search and paging."""
    form = _filter_form()
    page = paginate(filtered_query(form), request.args.get("page", 1, type=int), PER_PAGE)
    labels = themes_of(row[0].id for row in page.rows)
    return render_template("office/comments.html", form=form, page=page, labels=labels, args=_filter_args())


@bp.post("/comments")
@roles_required(*OFFICE_ROLES)
def search_comments():
    """The filter form posts here: the keyword goes to the session, the other filters to the list's URL."""
    keyword = "" if request.form.get("clear") else clean_text(request.form.get("q", ""))[:100]
    if keyword:
        session[SEARCH_KEY] = keyword
    else:
        session.pop(SEARCH_KEY, None)
    filters = {} if request.form.get("clear") else {
        k: v for k, v in request.form.items() if k in FILTERS and v}
    return redirect(url_for("office.comments", **filters), 303)


@bp.get("/comments/export.<fmt>")
@roles_required(*OFFICE_ROLES)
def comments_export(fmt: str):
    """The filtered comments as CSV or XLSX, masked and formula-safe."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = _filter_form()
    rows = db.session.execute(filtered_query(form, export=fmt).limit(EXPORT_LIMIT)).all()
    labels = themes_of(row[0].id for row in rows)
    headers = [_("Submitted"), _("Department"), _("Survey point"), _("Mode"), _("Urgent"), _("Themes"), _("Comment")]
    table = [[show_dt(row.submitted_at), row[4], row[3], str(MODE_LABELS.get(row.mode, row.mode)),
              _("Yes") if row.urgent else "",
              "、".join(f"{theme_label(t)}({POLARITY_LABELS[p]})" for t, p in labels[row[0].id]["effective"].items()),
              deidentify(row[0].text)] for row in rows]
    if fmt == "csv":
        body, mime = exports.to_csv(headers, table), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(_("Patient comments"), headers, table, widths=[16, 14, 18, 10, 6, 24, 60])
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return HttpResponse(body, mimetype=mime,
                        headers={"Content-Disposition": f"attachment; filename=comments.{fmt}"})


def _question_rows(response: Response) -> list[tuple[str, str]]:
    try:
        bank = banks.for_version(response.bank_version_id)
    except LookupError:
        return []
    texts = {q.code: q.text for q in bank.questions}
    return [(pick(texts.get(a.question_code)) or a.question_code,
             str(a.score) if a.score is not None else (a.option or "")) for a in response.answers]


@bp.get("/comments/<int:comment_id>")
@roles_required(*OFFICE_ROLES)
def comment(comment_id: int):
    """One comment with its answers, model labels and the correction form."""
    found = comment_or_404(current_user, comment_id)
    alert = db.session.scalar(select(UrgentAlert).where(UrgentAlert.comment_id == found.id))
    confidence = {t.theme: t.confidence for t in found.themes if t.source == "model"}
    return render_template("office/comment.html", comment=found, labels=themes_of([found.id])[found.id],
                           confidence=confidence, alert=alert, answers=_question_rows(found.response),
                           form=CorrectionForm(), reset_form=EmptyForm(), themes=list(THEMES))


@bp.post("/comments/<int:comment_id>/themes")
@roles_required(*OFFICE_ROLES)
def correct(comment_id: int):
    """Save staff labels for a comment."""
    found = comment_or_404(current_user, comment_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = {code: request.form.get(f"theme_{code}", "") for code in THEMES}
    if any(value not in ("", "pos", "neg") for value in chosen.values()):
        abort(400)
    changed = save_correction(found, {k: v for k, v in chosen.items() if v}, current_user, form.note.data)
    db.session.commit()
    flash(_("The correction is saved; the model's labels are kept for comparison.") if changed
          else _("Nothing changed."))
    return redirect(url_for("office.comment", comment_id=found.id))


@bp.post("/comments/<int:comment_id>/reset")
@roles_required(*OFFICE_ROLES)
def reset(comment_id: int):
    """Drop the staff labels of a comment."""
    found = posted(comment_or_404(current_user, comment_id))
    if reset_correction(found):
        db.session.commit()
        flash(_("Staff labels removed; the model's labels apply again."))
    return redirect(url_for("office.comment", comment_id=found.id))
