"""The manager's pages for a customer's personal data: the export (a ZIP download) and the
erasure (a confirmation form). Also the `flask customer …` commands (privacy.cli).

Who: `manage_personal_data` (managers). A customer outside the user's sites is missing
(404) before the role is checked, so nobody learns that it exists; inside them a role
without the permission is refused (403).
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from auth.permissions import ensure
from core.clock import utcnow
from core.forms import form_status
from customers.models import Customer
from extensions import db
from privacy import cli, holdings
from privacy.erasure import confirms, erase_customer
from privacy.export import prepare_export
from privacy.forms import EraseForm

bp = Blueprint("privacy", __name__, url_prefix="/customers", cli_group="customer")
bp.cli.help = "A customer's personal data: export, erasure, retention."
for command in cli.COMMANDS:
    bp.cli.add_command(command)

PERMISSION = "manage_personal_data"


def _load(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)  # <int:> is bounded by core.input_guard
    if customer is None:
        abort(404)
    ensure(current_user, PERMISSION, customer.site_id)
    return customer


@bp.route("/<int:customer_id>/export")
@login_required
def export(customer_id: int):
    """Everything held about the customer, as a ZIP (privacy.export); logged."""
    customer = _load(customer_id)
    prepared = prepare_export(customer, current_user, utcnow())
    headers = {
        "Content-Disposition": f"attachment; filename=customer-{customer.id}.zip",
        "Cache-Control": "no-store",
    }
    return Response(prepared.chunks(), mimetype="application/zip", headers=headers)


@bp.route("/<int:customer_id>/erase", methods=["GET", "POST"])
@login_required
def erase(customer_id: int):
    """Confirm, then erase the customer's personal data (privacy.erasure)."""
    customer = _load(customer_id)
    form = EraseForm()
    if customer.is_erased and not form.is_submitted():
        flash(_("This customer's personal data has already been erased."), "info")
        return redirect(url_for("customers.detail", customer_id=customer.id))
    if form.validate_on_submit():
        if confirms(customer, form.confirmation.data):
            done = erase_customer(customer, current_user, utcnow())
            flash(_("Personal data erased. %(count)s tickets stay, anonymised.",
                    count=done.tickets), "success")
            return redirect(url_for("customers.detail", customer_id=customer.id))
        form.confirmation.errors.append(
            _("Type the customer's name exactly as shown, or the word ERASE."))
    page = render_template("privacy/erase.html", form=form, customer=customer,
                           summary=holdings.summary(customer))
    return page, form_status(form)
