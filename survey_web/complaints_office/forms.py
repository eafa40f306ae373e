"""Forms of the complaint pages; every POST form carries the CSRF token (Flask-WTF)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..complaints.labels import CHANNEL_LABELS, SATISFACTION_LABELS
from ..forms import EmptyForm, Form, QueryFilterForm  # noqa: F401 - EmptyForm re-exported for the views


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


PHONE = re.compile(r"^\+?[0-9][0-9\-\s()（）]{5,24}$")


class CheckboxList(SelectMultipleField):
    """Several choices as check boxes: usable without JavaScript, on a phone as on a desk."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntakeForm(Form):
    """A complaint as it is received: where from, the words, who (optional), which departments."""

    channel = SelectField(_l("Channel"), choices=choices(CHANNEL_LABELS.items()), validators=[DataRequired()])
    received_at = DateTimeLocalField(_l("Received at (empty: now)"), validators=[Optional()],
                                     format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    text = TextAreaField(_l("The complainant's words"), validators=[DataRequired(), Length(max=5000)])
    departments = CheckboxList(_l("Departments concerned"), coerce=int, validators=[Optional()])
    multi_department = BooleanField(_l("Several departments must act together (10 working days)"))
    on_the_spot = BooleanField(_l("Settled on the spot"))
    serious = BooleanField(_l("Serious complaint"))
    complainant = StringField(_l("Complainant's name (optional)"), validators=[Optional(), Length(max=50)])
    contact = StringField(_l("Phone number (optional)"), validators=[Optional(), Length(max=30)],
                          render_kw={"inputmode": "tel", "autocomplete": "off"})
    contact_consent = BooleanField(_l("The complainant agrees that we keep the number to reply"))

    def validate_contact(self, field) -> None:
        if field.data and not PHONE.match(field.data):
            raise ValidationError(_l("Enter a phone number of digits, e.g. 13812345678 or 0571-87654321."))
        if field.data and not self.contact_consent.data:
            raise ValidationError(_l("Tick the consent box, or leave the number out: it is kept only with consent."))


class CaseFilterForm(QueryFilterForm):
    tab = SelectField(_l("State"), validators=[Optional()])
    channel = SelectField(_l("Channel"), validators=[Optional()])
    department = SelectField(_l("Department"), validators=[Optional()])
    mine = BooleanField(_l("Only my cases"))


class HandoverForm(Form):
    to_user = SelectField(_l("Hand over to"), coerce=int, validators=[DataRequired()])
    handover_note = TextAreaField(_l("Note for the new owner"), validators=[Optional(), Length(max=2000)])


class ReplyForm(Form):
    reply_note = TextAreaField(_l("What the complainant was told (反馈)"), validators=[DataRequired(), Length(max=2000)])


class OutcomeForm(Form):
    outcome = TextAreaField(_l("Outcome (处理结果)"), validators=[DataRequired(), Length(max=2000)])


class CallbackForm(Form):
    satisfaction = RadioField(_l("The complainant's satisfaction at the call-back"),
                              choices=choices(SATISFACTION_LABELS.items()), validators=[DataRequired()])
    callback_note = TextAreaField(_l("Call-back note"), validators=[Optional(), Length(max=2000)])


class DetailsForm(Form):
    """Departments and seriousness, changed after intake (the deadline follows the departments)."""

    departments = CheckboxList(_l("Departments concerned"), coerce=int, validators=[Optional()])
    multi_department = BooleanField(_l("Several departments must act together (10 working days)"))
    serious = BooleanField(_l("Serious complaint"))


class PeriodForm(QueryFilterForm):
    quarter = StringField(_l("Quarter"), validators=[Optional(), Regexp(r"^2[0-9]{3}Q[1-4]$",
                                                                         message=_l("Use a quarter like 2026Q3."))],
                          render_kw={"placeholder": "2026Q3"})


class HotlineUploadForm(Form):
    """A 12345/12320 platform export to import (format choices filled in by the view)."""

    file = FileField(_l("Work-order file (XLSX or CSV)"), validators=[FileRequired(_l("Choose the file to import."))])
    platform = SelectField(_l("Platform format"), coerce=str, validators=[Optional()])
    check_only = BooleanField(_l("Only check the file, store nothing"))


class HotlineRepliesForm(Form):
    """Download the replies for upload back to the platform."""

    platform = SelectField(_l("Platform format"), coerce=str, validators=[DataRequired()])
    kind = SelectField(_l("File type"), coerce=str, choices=[SelectChoice("xlsx", "XLSX"), SelectChoice("csv", "CSV")])
    include_exported = BooleanField(_l("Also replies downloaded before"))
