"""The customer edit form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import select_choices
from core.vocabulary import LOCALE_LABELS, TIER_LABELS


class CustomerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    tier = SelectField(_l("Tier"), choices=select_choices(TIER_LABELS.items()))
    locale = SelectField(
        _l("Language for surveys and mail"), choices=select_choices(LOCALE_LABELS.items())
    )
    preferred_owner = SelectField(
        _l("Preferred owner"),
        validators=[Optional()],
        description=_l("New tickets for this customer go to this person."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save customer"))
