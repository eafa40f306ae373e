"""Base form classes: every submitted value is stripped before it is validated, and WTForms' own messages
come from a catalogue loaded once per locale.

WTForms' Optional() treats "   " (or a full-width space) as empty and stops the chain, clearing the other
validators' errors, while the field's data stays "   ": a blank sent for an optional radio or select
would pass validation and then fail in int(). Stripping first makes it plain empty (a multiple select
drops blank entries). Passwords are left as typed.

Control characters (but tab and line breaks) are removed from every value, on every form: nobody types
them, and PostgreSQL cannot store a NUL, so a pasted one made the survey's "busy, try again" page
come back for ever (and raised a false database alarm).
"""

from __future__ import annotations

import re

from babel.support import Translations
from flask import abort
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.i18n import messages_path

# WTForms' messages ("Not a valid choice") per locale: Flask-WTF reads and parses the catalogue again on
# every request, and it never changes while the process runs.
_wtforms_catalogues: dict[str, Translations] = {}


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """VALUE without control characters (tab, CR and LF stay) and surrounding white space."""
    return CONTROL_CHARACTERS.sub("", value).strip()


def _strip(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):  # a multiple select: blank entries are no choice at all
        return [clean_text(v) if isinstance(v, str) else v for v in value if not isinstance(v, str) or clean_text(v)]
    return value


def wtforms_translations() -> Translations | None:
    """WTForms' message catalogue for the request's locale, loaded once per process (None: no locale)."""
    locale = get_locale()
    if locale is None:
        return None
    key = str(locale)
    catalogue = _wtforms_catalogues.get(key)
    if catalogue is None:
        catalogue = _wtforms_catalogues[key] = Translations.load(messages_path(), [locale], domain="wtforms")
    return catalogue


class Form(FlaskForm):
    """The app's form base class (CSRF from Flask-WTF)."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations()

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, PasswordField):
                return unbound_field.bind(form=form, **options)
            filters = [*unbound_field.kwargs.get("filters", ()), _strip]
            return unbound_field.bind(form=form, filters=filters, **options)


class QueryFilterForm(Form):
    """Filters read from a query string: no CSRF, since they change nothing."""

    class Meta:
        csrf = False


class EmptyForm(Form):
    """A button that only needs the CSRF token."""


def posted(record):
    """RECORD, once the posted button's form (only its CSRF token) validates (400 otherwise)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    return record
