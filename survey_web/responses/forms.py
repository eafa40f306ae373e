"""The respondent's form, built from a question bank for one language."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from question_banks import DEFAULT_MAX_LENGTH, Bank, Question, scale_levels

from ..forms import Form
from ..i18n import BANK_TAG, pick

# Mainland mobile or landline, optionally +86; separators are stripped before matching.
PHONE = re.compile(r"^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}\d{7,8})$")
NA = "na"


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s\-()（）]", "", raw or "")


class CommentLength:
    """Refuses an over-long comment with its length, instead of cutting it silently."""

    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field: Field) -> None:
        length = len(field.data or "")
        if length > self.maximum:
            raise ValidationError(_l("Please keep your comment within %(max)d characters; it has %(length)d now.",
                                     max=self.maximum, length=length))


class SurveyForm(Form):
    """Fields every survey has; bank questions are added by `build_form`."""

    role = RadioField(
        _l("You are"),
        choices=[SelectChoice("patient", _l("The patient")),
                 SelectChoice("family", _l("A family member or carer"))],
        validators=[InputRequired(message=_l("Please tell us whether you are the patient or a family member."))],
    )
    contact_consent = BooleanField(_l("I agree that the hospital may contact me about my feedback"))
    contact = StringField(_l("Phone number (optional)"))
    # Honeypot: hidden from people by CSS, filled by naive bots.
    website = StringField("Website", render_kw={"autocomplete": "off", "tabindex": "-1"})
    form_token = HiddenField()

    bank: Bank
    question_fields: list[tuple[Question, str]]

    def validate_contact(self, field: Field) -> None:
        phone = normalise_phone(field.data)
        if phone and not self.contact_consent.data:
            raise ValidationError(_l("To leave a phone number, please tick the consent box; or clear the number."))
        if self.contact_consent.data and not phone:
            raise ValidationError(_l("Please enter a phone number, or untick the consent box."))
        if phone and not PHONE.match(phone):
            raise ValidationError(_l("This does not look like a phone number; please check it."))

    def respondent_role(self) -> str:
        """'patient' or 'family': asked, unless the bank already says who answers it."""
        return self.bank.respondent or self.role.data

    def first_problem(self) -> str | None:
        """The element id of the first question with an error, for the notice's 'go there' link."""
        for name in self.errors:
            if name == "role" or name.startswith("q_"):
                return "q-" + name.removeprefix("q_")
            if name in ("contact", "contact_consent"):
                return self.contact.id
        return None

    def answered_anything(self) -> bool:
        """True if at least one question has an answer (role and contact do not count)."""
        for _question, name in self.question_fields:
            data = self[name].data
            if data not in (None, "", "None"):  # values arrive stripped (forms.Form)
                return True
        return False

    def answers(self) -> list[tuple[str, int | None, str | None]]:
        """(question code, score, option) for every answered closed question."""
        out = []
        for question, name in self.question_fields:
            data = self[name].data
            if question.type == "text" or data in (None, "", "None"):
                continue
            if question.type == "scale" and data != NA:
                out.append((question.code, int(data), None))
            else:
                out.append((question.code, None, data))
        return out

    def comment_text(self) -> str:
        return self[f"q_{self.bank.comment_question.code}"].data or ""


# Form classes per (bank object, locale); bank objects are immutable and live as long as the process.
_classes: dict[tuple[int, str], tuple[Bank, type[SurveyForm], list[tuple[Question, str]]]] = {}


def build_form(bank: Bank, locale: str, formdata=None, **kwargs) -> SurveyForm:
    """A SurveyForm with one field per question of BANK, labelled in LOCALE."""
    cached = _classes.get((id(bank), locale))
    if cached is None or cached[0] is not bank:
        cached = (bank, *_form_class(bank, locale))
        _classes[(id(bank), locale)] = cached
    _bank, form_class, fields = cached
    form = form_class(formdata=formdata, **kwargs)
    form.bank = bank
    form.question_fields = fields
    return form


def _form_class(bank: Bank, locale: str) -> tuple[type[SurveyForm], list[tuple[Question, str]]]:
    tag = BANK_TAG.get(locale, "zh-CN")
    attrs: dict = {}
    fields: list[tuple[Question, str]] = []
    for question in bank.questions:
        name = f"q_{question.code}"
        label = pick(question.text, locale)
        required = InputRequired(message=_l("Please answer this question.")) if question.required else Optional()
        if question.type == "scale":
            choices = [SelectChoice(NA if level.value is None else str(level.value), level.label[tag])
                       for level in scale_levels(na=question.na)]
            attrs[name] = RadioField(label, choices=choices, validators=[required])
        elif question.type == "choice":
            choices = [SelectChoice(opt.value, pick(opt.label, locale)) for opt in question.options]
            attrs[name] = RadioField(label, choices=choices, validators=[required])
        else:
            limit = question.max_length or DEFAULT_MAX_LENGTH
            attrs[name] = TextAreaField(label, validators=[Optional(), CommentLength(limit)])
        fields.append((question, name))
    if bank.respondent:
        attrs["role"] = None  # WTForms drops a field set to None in a subclass: not asked again
    return type(f"{bank.code.title()}Form", (SurveyForm,), attrs), fields


class ReceiptForm(Form):
    """A receipt code typed by the respondent (CSRF-checked: the survey blueprint leaves that to forms)."""

    code = StringField(_l("Receipt code"), validators=[InputRequired(message=_l("Please enter your receipt code."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "maxlength": 20})


class EraseForm(ReceiptForm):
    """Erasing a response needs its code and an explicit tick."""

    confirm = BooleanField(_l("Yes, delete what I submitted. This cannot be undone."),
                           validators=[InputRequired(message=_l("Please tick the box to confirm."))])
