"""Managers: list, create, change, deactivate users and reset their passwords."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from admin.forms import EditUserForm, ResetPasswordForm, UserForm
from auth.models import User
from auth.permissions import permission_required
from auth.services import UserInput, create_user, reset_password, update_user
from core.clock import utcnow
from core.forms import apply_errors, form_status, select_choices
from core.messages import shown
from core.validation import ValidationFailed
from extensions import db
from sites.models import Site

bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _site_choices() -> list[SelectChoice]:
    sites = db.session.scalars(select(Site).order_by(Site.name))
    return select_choices((site.id, site.name) for site in sites)


def _user_input(form, username: str) -> UserInput:
    return UserInput(
        username=username,
        role=form.role.data,
        site=db.session.get(Site, form.site_id.data) if form.site_id.data else None,
        display_name=form.display_name.data or "",
        email=form.email.data or "",
        locale=form.locale.data,
        password=getattr(form, "password", None) and (form.password.data or None),
    )


@bp.route("/")
@permission_required("manage_users")
def index():
    show_inactive = request.args.get("inactive") == "1"
    stmt = select(User).options(joinedload(User.site)).order_by(User.username)
    if not show_inactive:
        stmt = stmt.where(User.active.is_(True))
    users = db.session.scalars(stmt).all()
    return render_template("admin/users.html", users=users, show_inactive=show_inactive)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("manage_users")
def create():
    form = UserForm()
    form.site_id.choices = _site_choices()
    if form.validate_on_submit():
        try:
            user = create_user(_user_input(form, form.username.data))
        except ValidationFailed as failed:
            apply_errors(form, failed, aliases={"site": "site_id"})
        else:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("users.index"))
    return render_template("admin/user_form.html", form=form, user=None), form_status(form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_users")
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    form.site_id.choices = _site_choices()
    if form.validate_on_submit():
        try:
            update_user(user, _user_input(form, user.username), active=form.active.data,
                        now=utcnow())
        except ValidationFailed as failed:
            apply_errors(form, failed, aliases={"site": "site_id"})
        else:
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("users.index"))
    page = render_template(
        "admin/user_form.html", form=form, user=user, reset_form=ResetPasswordForm()
    )
    return page, form_status(form)


@bp.route("/<int:user_id>/password", methods=["POST"])
@permission_required("manage_users")
def reset(user_id: int):
    """Reset a user's password: every session of theirs ends and every API token of theirs
    is revoked. A refused one is only flashed (back to the user's page): `reset_password`
    checks before it changes anything, so the redirect commits nothing."""
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data, utcnow())
        except ValidationFailed as failed:
            flash(shown(failed.fields["password"]), "danger")
        else:
            flash(_("The password of %(name)s was reset: they are signed out everywhere and "
                    "their API tokens were revoked.", name=user.username), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    return redirect(url_for("users.edit", user_id=user.id))
