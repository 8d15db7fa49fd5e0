"""The erasure confirmation form (shape only; what it must say is `erasure.confirms`)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class EraseForm(FlaskForm):
    confirmation = StringField(
        _l("Type the customer's name, or ERASE"),
        validators=[DataRequired(), Length(max=200)],
    )
    submit = SubmitField(_l("Erase personal data"))
