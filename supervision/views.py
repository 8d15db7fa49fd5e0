"""SLA pages: the supervisor board and the policy editor (blueprint `sla`, /sla/...)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from auth.permissions import has_permission, in_site_scope, permission_required
from core import inputs
from core.clock import utcnow
from core.messages import shown
from core.validation import ValidationFailed
from core.vocabulary import Role
from extensions import db
from sites.calendar import calendar_for
from sites.models import Site
from sla.policy import (
    CLOCKS,
    DIGITS_ONLY,
    DIMENSIONS,
    SEVERITIES,
    TIERS,
    Policy,
    PolicyError,
    target_field,
)
from sla.preview import due_preview
from sla.store import policy_for, policy_history, save_policy
from sla.units import (
    UNITS,
    apply_row_to_all,
    clean_policy_page,
    in_units,
    policy_page_input,
    row_key,
    target_parts,
    unit_field,
)
from supervision.board import board_rows
from supervision.forms import UNIT_LABELS, PolicyForm, RecomputeForm, form_values
from supervision.summary import board_summary
from tickets.forms import EscalateForm, ReassignForm
from tickets.page import colleagues
from tickets.recompute import recompute_open_tickets

bp = Blueprint("sla", __name__, url_prefix="/sla")


def _chosen_site() -> Site:
    """The site in ?site= (managers: any; others: their own), default the user's site; a
    malformed or unknown id (not 1..2,147,483,647 in ASCII digits) is a 404."""
    try:
        site_id = inputs.optional_int(request.args, "site") or current_user.site_id
    except inputs.InputError:
        abort(404)
    site = db.session.get(Site, site_id)
    if site is None or not in_site_scope(current_user, site.id):
        abort(404)
    return site


def _sites_for_picker() -> list[Site]:
    if not has_permission(current_user, "view_all_sites"):
        return []
    return db.session.scalars(select(Site).order_by(Site.name)).all()


@bp.route("/board")
@permission_required("escalate_tickets")
def board():
    site = _chosen_site()
    rows = board_rows(site, utcnow())
    forms = {}
    people = colleagues(rows[0].ticket, tuple(Role)) if rows else []  # one site, one list
    for row in rows:
        escalate = EscalateForm(prefix="escalate", formdata=None)
        reassign = ReassignForm(prefix="reassign", formdata=None)
        escalate.version.data = reassign.version.data = str(row.ticket.version)
        reassign.to.choices = people
        forms[row.ticket.id] = (escalate, reassign)
    return render_template(
        "sla/board.html", site=site, rows=rows, forms=forms, sites=_sites_for_picker(),
        summary=board_summary(rows),
    )


def _render_policy(site: Site, form, status: int = 200, previewed: Policy | None = None):
    """The policy page; the preview shows `previewed` (the saved policy by default)."""
    now = utcnow()
    return render_template(
        "sla/policy.html",
        site=site,
        form=form,
        recompute_form=RecomputeForm(),
        history=policy_history(site),
        sites=_sites_for_picker(),
        dimensions=DIMENSIONS,
        severities=SEVERITIES,
        clocks=CLOCKS,
        tiers=TIERS,
        target_field=target_field,
        unit_field=unit_field,
        row_key=row_key,
        units=UNITS,
        unit_labels=UNIT_LABELS,
        in_units=in_units,
        target_parts=target_parts,
        now=now,
        preview=due_preview(previewed or policy_for(site), calendar_for(site), now),
    ), status


def _apply_row(site: Site, values: dict[str, str], row: str):
    """One row's targets copied to its severity in every dimension, shown to be checked
    and saved (nothing is saved yet); the preview follows the copied values."""
    try:
        copied = apply_row_to_all(values, row)
    except ValueError as exc:
        raise ValidationFailed({"apply_row": exc.args[0]}) from None
    form = PolicyForm(formdata=None, data=copied)
    try:
        previewed = clean_policy_page(copied)
    except PolicyError:
        previewed = None
    flash(_("Targets copied to every dimension at that severity. Nothing is saved yet: "
            "check them and press “Save policy”."), "info")
    return _render_policy(site, form, previewed=previewed)


def _ascii_numbers(values: dict[str, str]) -> None:
    """Minutes, factors and percentages are written with the digits 0-9 (`str.isdigit`, which
    sla.policy uses, also accepts "²" and "١٢")."""
    wrong = {name: DIGITS_ONLY() for name, value in values.items()
             if not value.isascii()}
    if wrong:
        raise PolicyError(wrong)


@bp.route("/policy", methods=["GET", "POST"])
@permission_required("edit_sla_policy")
def policy():
    site = _chosen_site()
    form = PolicyForm()
    if not form.is_submitted():
        form.process(data=policy_page_input(policy_for(site)))
        return _render_policy(site, form)
    if not form.validate():
        return _render_policy(site, form, 422)
    values = form_values(form)
    if "apply_row" in request.form:
        return _apply_row(site, values, request.form["apply_row"])
    try:
        _ascii_numbers(values)
        changes = save_policy(site, clean_policy_page(values), current_user, utcnow())
    except PolicyError as failed:
        for name, reason in failed.fields.items():
            form[name].errors = [shown(reason)]
        return _render_policy(site, form, 422)
    if changes:
        flash(
            _(
                "Policy saved: %(n)d value(s) changed. It applies to new tickets; "
                "recompute to apply it to open ones.",
                n=len(changes),
            ),
            "success",
        )
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("sla.policy", site=site.id))


@bp.route("/policy/recompute", methods=["POST"])
@permission_required("edit_sla_policy")
def recompute():
    site = _chosen_site()
    if not RecomputeForm().validate_on_submit():
        abort(400)
    changed = recompute_open_tickets(site, current_user, utcnow())
    flash(_("Due times recomputed: %(n)d open ticket(s) changed.", n=changed), "success")
    return redirect(url_for("sla.policy", site=site.id))
