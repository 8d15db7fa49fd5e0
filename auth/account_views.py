"""A user's own account: their settings (language) and their API tokens (create, shown
once, and revoke)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from auth.forms import AccountForm
from auth.preferences import choose_daily_digest, choose_language
from auth.tokens import create_token, revoke_token, tokens_of
from core.clock import utcnow
from core.forms import apply_errors, form_status
from core.validation import ValidationFailed

bp = Blueprint("account", __name__, url_prefix="/account")


class TokenForm(FlaskForm):
    name = StringField(
        _l("What is it for?"), validators=[DataRequired(), Length(max=80)],
        description=_l("For example: booking system integration"),
    )
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    """Everyone's own settings. Each setting is saved by its own service call."""
    user = current_user._get_current_object()
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        try:
            choose_language(user, form.locale.data)
            choose_daily_digest(user, form.daily_digest.data)
        except ValidationFailed as failed:
            apply_errors(form, failed)
        else:
            flash(_("Your settings were saved."), "success")
            return redirect(url_for("account.settings"))
    return render_template("account/settings.html", form=form, user=user), form_status(form)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = create_token(current_user, form.name.data, utcnow())
        form = TokenForm(formdata=None)
    page = render_template(
        "account/tokens.html", form=form, tokens=tokens_of(current_user),
        new_token=new_token, revoke_form=RevokeForm(),
    )
    return page, form_status(form)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if RevokeForm().validate_on_submit() and revoke_token(current_user, token_id, utcnow()):
        flash(_("The token was revoked."), "success")
    else:
        flash(_("That token cannot be revoked."), "danger")
    return redirect(url_for("account.tokens"))
