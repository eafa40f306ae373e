"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..forms import Form, QueryFilterForm
from ..models.users import ROLE_NAMES


class UserForm(Form):
    """A new staff account."""
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("Letters, digits, dot, dash and underscore only."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none"})
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[SelectChoice(k, v) for k, v in ROLE_NAMES.items()],
                       validators=[DataRequired()])
    hospital = SelectField(_l("Hospital"), coerce=str, validators=[Optional()])
    department = SelectField(_l("Department (department heads)"), coerce=str, validators=[Optional()])
    hospitals = SelectMultipleField(_l("Hospitals overseen (health commission)"), coerce=str,
                                    validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "new-password"})


class PasswordForm(Form):
    """A new password set by an administrator."""
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "new-password"})


class AuditFilterForm(QueryFilterForm):
    """Audit log filters from the query string."""

    entity = StringField(_l("Record type"), validators=[Optional(), Length(max=48)])
    # Nine digits at most: ids are 32-bit INTEGER columns, and a larger number would overflow the query.
    entity_id = StringField(_l("Record id"), validators=[Optional(), Regexp(r"^\d{1,9}$")])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=48)])
    user = SelectField(_l("Staff member"), coerce=str, validators=[Optional()])


class TabletForm(Form):
    """A new volunteer tablet, and how long its enrolment link stays valid."""
    name = StringField(_l("Tablet name"), validators=[DataRequired(), Length(max=100)])
    hours = IntegerField(_l("Link valid for (hours)"), default=24, validators=[InputRequired(), NumberRange(1, 336)])


class TabletSettingsForm(Form):
    """Renaming a tablet and setting its idle timeout."""
    name = StringField(_l("Tablet name"), validators=[DataRequired(), Length(max=100)])
    idle_minutes = IntegerField(_l("Idle timeout (minutes)"), validators=[InputRequired(), NumberRange(1, 60)])
