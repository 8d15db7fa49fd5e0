"""Managers: list, create and edit sites. Staff of a site (and managers): its QR poster."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from admin.forms import SiteForm
from auth.permissions import ensure, permission_required
from core import qr
from core.clock import utcnow
from core.forms import form_status, submit_with_domain
from extensions import db
from sites.links import complaint_url
from sites.models import Site
from sites.services import SiteInput, create_site, format_holidays, update_site

# The poster speaks to every guest: each line in English and in Chinese, whatever the
# language of the person printing it.
POSTER_LANGUAGES = ("en", "zh_Hans")
POSTER_LINES = {
    "headline": _l("Not happy with something? Tell us now."),
    "invitation": _l("Scan the code with your phone's camera. Tell us what went wrong "
                     "and we will put it right."),
    "or_open": _l("Or open this address:"),
}

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
        public_code=form.public_code.data or "",
        intake_address=form.intake_address.data or "",
    )


@bp.route("/")
@permission_required("manage_sites")
def index():
    sites = db.session.scalars(select(Site).order_by(Site.name)).all()
    return render_template("admin/sites.html", sites=sites, complaint_url=complaint_url)


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
    form.public_code.description = SiteForm.CODE_OFF_HINT
    if not form.is_submitted():
        form.hours.data = site.hours_spec
        form.holidays.data = format_holidays(site)
    saved = submit_with_domain(form, lambda: update_site(
        site, _site_input(form), actor=current_user._get_current_object(), now=utcnow()))
    if saved is not None:
        flash(_("Site %(name)s saved.", name=site.name), "success")
        return redirect(url_for("sites.index"))
    return render_template("admin/site_form.html", form=form, site=site,
                           complaint_url=complaint_url(site)), form_status(form)


def _in_both_languages() -> dict[str, list[tuple[str, str]]]:
    """Each poster line as (language, text) pairs, English first."""
    lines: dict[str, list[tuple[str, str]]] = {name: [] for name in POSTER_LINES}
    for language in POSTER_LANGUAGES:
        with force_locale(language):
            for name, text in POSTER_LINES.items():
                lines[name].append(("zh-Hans" if language == "zh_Hans" else "en", str(text)))
    return lines


@bp.route("/<int:site_id>/poster")
@permission_required("work_tickets")
def poster(site_id: int):
    """The site's A4 poster for the counter or a room card: a big QR code of its public
    complaint form, with the invitation in English and Chinese. Staff of the site and
    managers; another site's poster is missing (404), as is one whose form is off."""
    site = db.get_or_404(Site, site_id)
    ensure(current_user, "work_tickets", site.id)
    link = complaint_url(site)
    if link is None:
        abort(404)
    svg = qr.inline_svg(link, svgclass="poster-qr", lineclass="poster-qr-line")
    return render_template("admin/site_poster.html", site=site, link=link, qr_svg=svg,
                           lines=_in_both_languages())
