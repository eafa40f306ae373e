"""The volunteer's small forms; the interview itself is the respondent's survey form (survey.forms)."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired


class RoundForm(FlaskForm):
    """Choosing where this round of interviews happens: one button per point (ward, bed area)."""

    point = IntegerField(validators=[InputRequired()])
