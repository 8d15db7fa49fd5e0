"""Sign-in and account forms (shape only; rules live in auth.services and auth.passwords)."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from auth.passwords import MAX_LENGTH, UNPRINTABLE
from core.vocabulary import LOCALE_LABELS

# The "browser default" option's value: the user's locale is then None.
BROWSER_DEFAULT = ""


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


def language_choices() -> list[SelectChoice]:
    """Browser default, then each language named in itself ("English", "中文")."""
    return [SelectChoice(BROWSER_DEFAULT, _l("Browser default")),
            *(SelectChoice(value, label) for value, label in LOCALE_LABELS.items())]


def chosen_locale(value) -> str | None:
    """A language field's value as stored: None for "browser default"."""
    return value or None


def language_field(label=None) -> SelectField:
    return SelectField(
        label or _l("Language"), choices=language_choices(), coerce=chosen_locale,
        description=_l("Browser default: the language your browser asks for."),
    )


class AccountForm(FlaskForm):
    """One's own settings (shape only; `auth.preferences` checks and saves them)."""

    locale = language_field()
    daily_digest = BooleanField(
        _l("Daily digest"),
        description=_l("Non-critical notifications by e-mail once a day (from 08:00 at your "
                       "site) instead of one by one. Critical ones still come at once."),
    )
    submit = SubmitField(_l("Save settings"))
