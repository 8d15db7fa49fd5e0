"""Managers: list, create and edit sites."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin.forms import SiteForm
from auth.permissions import permission_required
from core.clock import utcnow
from core.forms import form_status, submit_with_domain
from extensions import db
from sites.models import Site
from sites.services import SiteInput, create_site, format_holidays, update_site

bp = Blueprint("sites", __name__, url_prefix="/admin/sites")


def _site_input(form: SiteForm) -> SiteInput:
    return SiteInput(
        name=form.name.data or "",
        timezone=form.timezone.data or "",
        hours=form.hours.data or "",
        currency=form.currency.data or "",
        holidays=form.holidays.data or "",
        front_desk_limit=form.front_desk_limit.data or "",
        supervisor_limit=form.supervisor_limit.data or "",
    )


@bp.route("/")
@permission_required("manage_sites")
def index():
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    return render_template("admin/sites.html", sites=sites)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("manage_sites")
def create():
    form = SiteForm()
    site = submit_with_domain(form, lambda: create_site(_site_input(form)))
    if site is not None:
        flash(_("Site %(name)s created.", name=site.name), "success")
        return redirect(url_for("sites.index"))
    return render_template("admin/site_form.html", form=form, site=None), form_status(form)


@bp.route("/<int:site_id>", methods=["GET", "POST"])
@permission_required("manage_sites")
def edit(site_id: int):
    site = db.get_or_404(Site, site_id)
    form = SiteForm(obj=site)
    if not form.is_submitted():
        form.hours.data = site.hours_spec
        form.holidays.data = format_holidays(site)
    saved = submit_with_domain(form, lambda: update_site(
        site, _site_input(form), actor=current_user._get_current_object(), now=utcnow()))
    if saved is not None:
        flash(_("Site %(name)s saved.", name=site.name), "success")
        return redirect(url_for("sites.index"))
    return render_template("admin/site_form.html", form=form, site=site), form_status(form)
