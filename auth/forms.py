"""Sign-in and account forms (shape only; rules live in auth.services and auth.passwords)."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from auth.passwords import MAX_LENGTH, UNPRINTABLE


def printable(_form, field) -> None:
    """No control, format or unpaired characters (no username holds one; the database
    refuses some of them)."""
    if any(unicodedata.category(ch) in UNPRINTABLE for ch in field.data or ""):
        raise ValidationError(_l("Use printable characters only."))


class SignInForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(), Length(max=80), printable]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 10 characters, hard to guess, without your username."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two do not match."))],
    )
    submit = SubmitField(_l("Change password"))
