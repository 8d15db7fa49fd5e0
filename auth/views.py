"""Sign-in, sign-out and the user's own account page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from auth.forms import ChangePasswordForm, SignInForm
from auth.redirects import safe_next
from auth.services import SignInRefused, authenticate, end_sessions, reset_password
from core.clock import utcnow
from core.forms import form_status
from core.messages import shown
from core.validation import ValidationFailed

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in. A refused sign-in answers 200 on purpose: the transaction boundary then
    commits the failed attempt `authenticate` recorded, which is what throttling counts.
    A throttled one answers 429 (rolled back), and loses nothing: `authenticate` records
    no attempt while the name or address is throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(
                form.username.data, form.password.data, request.remote_addr or "-", utcnow()
            )
        except SignInRefused as refused:
            form.password.errors.append(shown(refused.reason))
            status = 429 if refused.throttled else 200
        else:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(form.next.data) or url_for("home.index"))
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """Sign out of every browser at once: a copy of this session's cookie stops working."""
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password: every other session ends and every API token is revoked;
    this browser stays signed in (with the new session version)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            try:
                user = current_user._get_current_object()
                revoked = reset_password(user, form.new_password.data, utcnow())
            except ValidationFailed as failed:
                form.new_password.errors.append(shown(failed.fields["password"]))
            else:
                login_user(user)
                flash(_("Your password was changed."), "success")
                if revoked:
                    flash(_("Your API tokens were revoked: create new ones where you need "
                            "them."), "info")
                return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form), form_status(form)
