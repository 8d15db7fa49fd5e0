"""Ticket pages: open a ticket, the ticket page, and the actions on it."""

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from auth.permissions import permission_required
from core.clock import utcnow
from core.errors import handle_conflict, handle_refused, handle_validation_failed
from core.forms import apply_errors, form_status, submit_with_domain
from core.validation import ValidationFailed
from tickets.access import load_ticket
from tickets.actions import perform
from tickets.attachments import find_attachment, path_of
from tickets.errors import ActionRefused, TicketConflict
from tickets.forms import NewTicketForm
from tickets.intake import open_ticket
from tickets.page import (
    action_forms,
    allowed_steps,
    bound_action_form,
    last_customer_message,
    new_ticket_input,
    prepare_new_ticket_form,
)
from tickets.registry import entry_for

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.route("/new", methods=["GET", "POST"])
@permission_required("work_tickets")
def new():
    form = NewTicketForm()
    prepare_new_ticket_form(form, current_user)
    ticket = submit_with_domain(
        form, lambda: open_ticket(current_user, new_ticket_input(form, current_user), utcnow())
    )
    if ticket is not None:
        flash(_("Ticket %(ref)s opened.", ref=ticket.ref), "success")
        return redirect(url_for("tickets.detail", ref=ticket.ref))
    return render_template("tickets/new.html", form=form), form_status(form)


@bp.route("/<ref>")
@permission_required("work_tickets")
def detail(ref: str):
    ticket = load_ticket(ref, current_user, with_history=True)
    return render_template(
        "tickets/detail.html", ticket=ticket, forms=action_forms(ticket, current_user),
        allowed=allowed_steps(ticket, current_user),
        customer_wrote=last_customer_message(ticket),
    )


@bp.route("/<ref>/<action>", methods=["POST"])
@permission_required("work_tickets")
def act(ref: str, action: str):
    ticket = load_ticket(ref, current_user)
    entry = entry_for(action)
    if entry is None:
        abort(404)
    form = bound_action_form(ticket, action)
    if not form.validate_on_submit():
        return _rerender(ref, action, form, 422)
    g.ticket_step = (ref, action, form)
    zone = ZoneInfo(ticket.site.timezone)
    perform(ticket, action, current_user, form.domain_data(zone),
            version=form.submitted_version, now=utcnow())
    flash(_("%(action)s: %(ref)s.", action=entry.label, ref=ticket.ref), "success")
    if request.form.get("return_to") == "board":
        return redirect(url_for("sla.board", site=ticket.site_id))
    return redirect(url_for("tickets.detail", ref=ticket.ref))


@bp.errorhandler(TicketConflict)
def _stale(conflict: TicketConflict):
    """Someone changed the ticket first: show it as it is now, the typed form kept."""
    if g.get("ticket_step") is None:
        return handle_conflict(conflict)
    flash(conflict.shown(), "warning")
    return _rerender_step(409, refresh_version=True)


@bp.errorhandler(ActionRefused)
def _refused(refused: ActionRefused):
    if g.get("ticket_step") is None:
        return handle_refused(refused)
    flash(refused.shown(), "danger")
    return _rerender_step(409)


@bp.errorhandler(ValidationFailed)
def _invalid(failed: ValidationFailed):
    """A step's refused fields go back onto its form; any other (a list's bad filter) is the
    app's 422 page naming each reason."""
    if g.get("ticket_step") is None:
        return handle_validation_failed(failed)
    apply_errors(g.ticket_step[2], failed)
    return _rerender_step(422)


def _rerender_step(status: int, refresh_version: bool = False):
    """The step's page again (after the boundary rolled the step back)."""
    ref, action, form = g.ticket_step
    return _rerender(ref, action, form, status, refresh_version)


@bp.route("/<ref>/attachments/<int:attachment_id>")
@permission_required("work_tickets")
def attachment(ref: str, attachment_id: int):
    """An attachment of a ticket the user may see: photos shown, PDFs downloaded."""
    ticket = load_ticket(ref, current_user)
    found = find_attachment(ticket, attachment_id)
    if found is None:
        abort(404)
    return send_file(path_of(found.storage_key), mimetype=found.content_type,
                     download_name=found.file_name, as_attachment=not found.is_image,
                     max_age=0)


def _rerender(ref: str, action: str, form, status: int, refresh_version: bool = False):
    """The ticket page as it is now, with the submitted form (typed text, errors) kept.

    After a conflict the form takes the current version, so that sending it again
    (having seen what changed) is a deliberate choice.
    """
    ticket = load_ticket(ref, current_user, with_history=True)
    forms = action_forms(ticket, current_user)
    forms[action] = form
    if refresh_version:
        form.version.data = str(ticket.version)
    page = render_template("tickets/detail.html", ticket=ticket, forms=forms, open_action=action,
                           allowed=allowed_steps(ticket, current_user),
                           customer_wrote=last_customer_message(ticket))
    return page, status
