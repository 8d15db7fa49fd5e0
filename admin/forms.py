"""Forms for sites and users (shape only; the services check the rules). Ids are read
with `core.inputs.parse_int`: ASCII digits within PostgreSQL's integer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from auth.forms import language_field
from auth.passwords import MAX_LENGTH
from core import inputs
from core.forms import select_choices
from core.vocabulary import ROLE_LABELS
from sites.services import known_timezones

ROLE_CHOICES = select_choices(ROLE_LABELS.items())


def timezone_choices() -> list[SelectChoice]:
    return select_choices((name, name) for name in sorted(known_timezones()))


class SiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    hours = StringField(
        _l("Business hours"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("24/7, or for example: mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00"),
    )
    currency = StringField(
        _l("Currency"), validators=[DataRequired(), Length(min=3, max=3)], default="CNY"
    )
    holidays = TextAreaField(
        _l("Holidays"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One per line: 2026-10-01 National Day"),
    )
    front_desk_limit = StringField(_l("Front-desk empowerment limit"), default="200.00")
    supervisor_limit = StringField(_l("Supervisor empowerment limit"), default="2000.00")
    public_code = StringField(
        _l("Public code"),
        validators=[Optional(), Length(max=40)],
        description=_l("The guests' complaint form is at /complain/CODE: lowercase letters, "
                       "digits and hyphens. Leave empty for a code made from the name."),
    )
    intake_address = EmailField(
        _l("Intake e-mail address"),
        validators=[Optional(), Length(max=254)],
        description=_l("Mail to this address opens tickets at this site (optional)."),
    )
    submit = SubmitField(_l("Save site"))

    CODE_OFF_HINT = _l("The guests' complaint form is at /complain/CODE: lowercase letters, "
                       "digits and hyphens. Leave empty to switch the form off.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    site_id = SelectField(_l("Site"), coerce=inputs.parse_int)
    locale = language_field()
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "At least 10 characters, hard to guess, without the username. "
            "Leave empty to set it later."
        ),
    )
    submit = SubmitField(_l("Create user"))


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    site_id = SelectField(_l("Site"), coerce=inputs.parse_int)
    locale = language_field()
    active = BooleanField(
        _l("Active"), description=_l("A deactivated user cannot sign in; their history stays.")
    )
    submit = SubmitField(_l("Save user"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField(_l("Reset password"))
