"""Forms of the office pages; every POST form carries the CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import EmptyForm, Form, QueryFilterForm  # noqa: F401 - EmptyForm re-exported for the views


# Years 2000-2999, as the dashboard's: 9999-12 has no following month to end at, 0001-01 no UTC start.
class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (usable without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


MONTH = Regexp(r"^2[0-9]{3}-(0[1-9]|1[0-2])$", message=_l("Use a month like 2025-10."))


class CommentFilterForm(QueryFilterForm):
    """The comment list's filters, read from the query string (no CSRF: it changes nothing)."""

    month = StringField(_l("Month"), validators=[Optional(), MONTH], render_kw={"placeholder": "2025-10"})
    department = SelectField(_l("Department"), coerce=str, validators=[Optional()])
    point = SelectField(_l("Survey point"), coerce=str, validators=[Optional()])
    theme = SelectField(_l("Theme"), coerce=str, validators=[Optional()])
    polarity = SelectField(_l("Polarity"), coerce=str, validators=[Optional()])
    urgent = SelectField(_l("Urgent"), coerce=str, validators=[Optional()])
    mode = SelectField(_l("Mode"), coerce=str, validators=[Optional()])
    reviewed = SelectField(_l("Review"), coerce=str, validators=[Optional()])
    q = StringField(_l("Keyword"), validators=[Optional(), Length(max=100)], render_kw={"type": "search"})


class NoteForm(Form):
    """A free-text note: a correction's reason, a progress report."""

    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=2000)])


class CorrectionForm(Form):
    """Staff labels; the theme selects are read from the request by `comment_views` (one per theme)."""

    note = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


class FollowupForm(Form):
    """A follow-up with the patient and, optionally, the outcome so far."""
    followup_note = TextAreaField(_l("Follow-up with the patient (回访)"),
                                  validators=[DataRequired(), Length(max=2000)])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=2000)])


class CloseAlertForm(Form):
    """The outcome that closes an urgent comment."""
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(), Length(max=2000)])


class DismissAlertForm(Form):
    """Why a flagged comment is not urgent after all (误报); the alert closes without a follow-up."""
    reason = TextAreaField(_l("Why it is not urgent"), validators=[DataRequired(), Length(max=500)],
                           render_kw={"placeholder": _l("e.g. praise for careful identity checks; no harm described")})


class GenerateForm(Form):
    """Generate a month's lists now (the hospital only for administrators)."""
    month = StringField(_l("Month"), validators=[DataRequired(), MONTH])
    hospital = SelectField(_l("Hospital"), coerce=int, validators=[Optional()])
    refresh = SelectField(_l("If the list exists"), coerce=str,
                          choices=[SelectChoice("", _l("Keep it")),
                                   SelectChoice("1", _l("Refresh the drafts"))],
                          validators=[Optional()])


class ItemForm(Form):
    """The four 明确 of an item."""

    problem = TextAreaField(_l("Problem (整改事项)"), validators=[DataRequired(), Length(max=4000)])
    measure = TextAreaField(_l("Measure (整改措施)"), validators=[Optional(), Length(max=4000)])
    owner_office = StringField(_l("Responsible office (责任部门)"), validators=[Optional(), Length(max=100)])
    owner_person = StringField(_l("Responsible person (责任人)"), validators=[Optional(), Length(max=100)])
    deadline = DateField(_l("Deadline (整改时限)"), validators=[Optional()])


class ManualItemForm(ItemForm):
    """An item the office raises itself."""
    theme = SelectField(_l("Theme"), coerce=str, validators=[Optional()])
    department = SelectField(_l("Department"), coerce=str, validators=[Optional()])
    count = IntegerField(_l("Times reported"), default=0, validators=[Optional(), NumberRange(min=0, max=100000)])


class ActionForm(Form):
    """A ledger step: accept, reject, restore, start, close or reopen."""

    action = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    measure_taken = TextAreaField(_l("Measure taken"), validators=[Optional(), Length(max=4000)])
    closure_evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=4000)])


class SplitForm(Form):
    """The part split off a draft: its problem and how many mentions move to it."""
    problem = TextAreaField(_l("Problem of the new item"), validators=[DataRequired(), Length(max=4000)])
    count = IntegerField(_l("Mentions moved to it"), default=0, validators=[InputRequired(), NumberRange(min=0)])


class SplitVoicesForm(Form):
    """Move the chosen voices of a specific problem to a new one (remembered for next month)."""

    problem = TextAreaField(_l("The problem the chosen comments are about"),
                            validators=[DataRequired(), Length(max=4000)])
    voice = SelectMultipleField(_l("Comments to move"), coerce=str, validators=[DataRequired()],
                                option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


class SummaryForm(Form):
    """The month's 结果通报."""
    summary = TextAreaField(_l("Summary (结果通报)"), validators=[DataRequired(), Length(max=10000)])


class FindingForm(Form):
    """A finding from a forum, a supervisor or a walk-through (choices filled in by the view)."""

    source = SelectField(_l("Source"), coerce=str, validators=[DataRequired()])
    found_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date, e.g. 2026-11-20."))])
    department = SelectField(_l("Department"), coerce=str, validators=[Optional()])
    themes = MultiCheckboxField(_l("Themes"), coerce=str, validators=[Optional()])
    text = TextAreaField(_l("What was found"), validators=[DataRequired(), Length(max=1000)])
    serious = BooleanField(_l("Serious: deserves an item of its own"))
