"""The respondent's own response, reached with the receipt code from the thanks page: see, export, erase.

No account: the code is the key. Every attempt counts against a per-address limit (RATE_LIMIT_RECEIPT),
and a wrong code and a deleted response get the same answer.
"""

from __future__ import annotations

from flask import Response as HttpResponse
from flask import abort, make_response, render_template
from flask_babel import gettext as _

from ..privacy import receipts, rights
from ..responses import guard
from ..responses.forms import EraseForm, ReceiptForm
from . import bp


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _lookup(form: ReceiptForm):
    """The response of a form with a valid token and a known code; otherwise the page that says why is
    the answer (aborts with it). Only the code and the CSRF token are checked here; the rest is the caller's."""
    form.validate()
    if form.csrf_token.errors:
        abort(_page("survey/receipt.html", 400, form=ReceiptForm(formdata=None),
                    notice=_("This page had expired. Please enter your code again.")))
    if form.code.errors:
        abort(_page("survey/receipt.html", 422, form=form))
    if not guard.receipt_attempt():
        abort(_page("survey/receipt.html", 429, form=ReceiptForm(formdata=None), notice=_(
            "Too many attempts from this network. Please try again in an hour.")))
    found = receipts.find(form.code.data)
    if found is None:
        abort(_page("survey/receipt.html", 404, form=form, notice=_(
            "No response has this code: please check it. A deleted response cannot be found any more.")))
    return found


@bp.get("/receipt")
def receipt():
    """Where a respondent types their receipt code."""
    return _page("survey/receipt.html", form=ReceiptForm(formdata=None))


@bp.post("/receipt")
def receipt_show():
    """What was submitted with this code, with export and delete buttons."""
    form = ReceiptForm()
    return _data_page(_lookup(form), form.code.data)


def _data_page(found, typed: str, erase_form: EraseForm | None = None, status: int = 200):
    code = receipts.normalise(typed)
    return _page("survey/receipt_data.html", status, data=rights.submitted(found), code=code,
                 export_form=ReceiptForm(formdata=None, code=code),
                 erase_form=erase_form or EraseForm(formdata=None, code=code))


def text_labels() -> dict[str, str]:
    return {"place": _("Place"), "survey": _("Survey"), "submitted_at": _("Submitted"), "comment": _("Comment"),
            "contact": _("Phone number")}


@bp.post("/receipt/export.<fmt>")
def receipt_export(fmt: str):
    """The submitted data as a JSON or a text file."""
    if fmt not in ("json", "txt"):
        return _page("survey/receipt.html", 404, form=ReceiptForm(formdata=None))
    data = rights.submitted(_lookup(ReceiptForm()))
    body, mime = ((rights.as_json(data), "application/json") if fmt == "json"
                  else (rights.as_text(data, text_labels()), "text/plain; charset=utf-8"))
    return HttpResponse(body, mimetype=mime, headers={
        "Content-Disposition": f"attachment; filename=my-response.{fmt}", "Cache-Control": "no-store"})


@bp.post("/receipt/delete")
def receipt_delete():
    """Erase the response: answers, comment, contact and everything derived from them."""
    form = EraseForm()
    found = _lookup(form)
    if not form.confirm.data:
        return _data_page(found, form.code.data, erase_form=form, status=422)
    rights.erase(found)
    return _page("survey/message.html", title=_("Deleted"), message=_(
        "What you submitted has been deleted: your answers, your comment, your phone number and everything "
        "worked out from them. Figures published before stay as they were."))
