"""The customer's own survey form (public, no sign-in): three questions and a comment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from core.forms import select_choices

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
SCORES = [
    ("5", _l("5 — very satisfied")),
    ("4", _l("4 — satisfied")),
    ("3", _l("3 — neither")),
    ("2", _l("2 — dissatisfied")),
    ("1", _l("1 — very dissatisfied")),
]
ANSWER_NEEDED = _l("Please choose an answer.")


class SurveyForm(FlaskForm):
    csat = RadioField(
        _l("How satisfied are you with how we handled your complaint?"),
        choices=select_choices(SCORES),
        validators=[InputRequired(message=ANSWER_NEEDED)],
    )
    recovered = RadioField(
        _l("Did we put things right for you?"),
        choices=select_choices(YES_NO),
        validators=[InputRequired(message=ANSWER_NEEDED)],
    )
    would_recommend = RadioField(
        _l("Would you recommend us to a friend?"),
        choices=select_choices(YES_NO),
        validators=[InputRequired(message=ANSWER_NEEDED)],
    )
    comment = TextAreaField(
        _l("Anything else you would like to tell us? (optional)"),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField(_l("Send my answers"))

    def answers(self) -> dict:
        """The answers as the follow-up loop takes them (a survey that reached the customer)."""
        return {
            "kind": "survey",
            "reached": True,
            "csat": self.csat.data,
            "recovered": self.recovered.data,
            "would_recommend": self.would_recommend.data,
            "comment": self.comment.data or "",
        }
