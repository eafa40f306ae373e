"""The volunteer's small forms; the interview itself is the respondent's survey form (responses.forms)."""

from wtforms import IntegerField
from wtforms.validators import InputRequired

from ..forms import Form


class RoundForm(Form):
    """Choosing where this round of interviews happens: one button per point (ward, bed area)."""

    point = IntegerField(validators=[InputRequired()])


class EnrolForm(Form):
    """Confirming that this browser becomes the tablet an enrolment link was made for (CSRF only)."""
