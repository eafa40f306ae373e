"""Base form classes: every submitted value is stripped before it is validated.

WTForms' Optional() treats "   " (or a full-width space) as empty and stops the chain, clearing the other
validators' errors, while the field's data stays "   ": a blank sent for an optional radio or select
would pass validation and then fail in int(). Stripping first makes it plain empty (a multiple select
drops blank entries). Passwords are left as typed.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField


def _strip(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):  # a multiple select: blank entries are no choice at all
        return [v.strip() if isinstance(v, str) else v for v in value if not isinstance(v, str) or v.strip()]
    return value


class Form(FlaskForm):
    """The app's form base class (CSRF from Flask-WTF)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, PasswordField):
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), _strip]
            return unbound_field.bind(form=form, filters=filters, **options)


class QueryFilterForm(Form):
    """Filters read from a query string: no CSRF, since they change nothing."""

    class Meta:
        csrf = False
