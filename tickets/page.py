"""Preparing ticket forms for a page: choices, prefilled values, the legal actions only."""

from zoneinfo import ZoneInfo

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from auth.models import User
from auth.permissions import has_permission
from core import inputs
from core.formatting import current_locale, local_time
from core.forms import select_choices
from core.vocabulary import LEADS, Role
from customers.services import CustomerInput
from extensions import db
from sites.models import Site
from tickets.actions import available_actions
from tickets.categories import active_categories
from tickets.forms import CHOOSE, ActionForm, NewTicketForm, OwnForm, ReplyForm
from tickets.hooks import Hook
from tickets.intake import NewTicket
from tickets.labels import DIMENSION_LABELS, FOLLOW_UP_KIND_LABELS
from tickets.models import Ticket, TicketEvent
from tickets.registry import ENTRIES, REGISTRY
from tickets.workflow import Action


def colleagues(ticket: Ticket, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """Active people of the ticket's site with one of `roles` (managers of any site too)."""
    stmt = (
        select(User)
        .where(User.active.is_(True), User.role.in_(roles))
        .where((User.site_id == ticket.site_id) | (User.role == Role.MANAGER))
        .order_by(User.display_name)
    )
    return [(u.username, u.display_name) for u in db.session.scalars(stmt)]


def _fill_own(form: OwnForm, ticket: Ticket) -> None:
    """The classification fields only for an unclassified ticket (its suggested dimension
    chosen); the acknowledgement checkbox only for a customer with an e-mail address."""
    if ticket.is_classified:
        del form.dimension
        del form.category_id
    else:
        form.category_id.choices = select_choices([("", "—")]) + category_choices()
        if form.dimension.data is None:
            form.dimension.data = ticket.dimension or ""
    if not ticket.customer.email:
        del form.send_acknowledgement


def _fill_choices(form: ActionForm, ticket: Ticket, user: User) -> None:
    everyone = tuple(Role)
    if isinstance(form, OwnForm):
        _fill_own(form, ticket)
        return
    if hasattr(form, "to"):
        owner = ticket.owner.username if ticket.owner else None
        others = [c for c in colleagues(ticket, everyone) if c[0] not in (user.username, owner)]
        form.to.choices = select_choices([("", "—")] + others)  # the person chooses
    if hasattr(form, "category_id"):
        form.category_id.choices = category_choices()
        if not form.is_submitted():
            form.dimension.data, form.severity.data = ticket.dimension, ticket.severity
            form.category_id.data = ticket.category_id
    if hasattr(form, "kind"):
        form.kind.choices = follow_up_choices(ticket)
    if hasattr(form, "signed_off_by"):
        leads = colleagues(ticket, LEADS)
        form.signed_off_by.choices = select_choices([("", "—")] + leads)


def follow_up_choices(ticket: Ticket) -> list[SelectChoice]:
    """The ticket's open follow-ups, the earliest due first."""
    open_ones = sorted((f for f in ticket.follow_ups if f.is_open), key=lambda f: f.due_at)
    return select_choices(
        (f.kind, f"{FOLLOW_UP_KIND_LABELS[f.kind]} · {local_time(f.due_at, ticket.site)}")
        for f in open_ones
    )


# Filled by the correspondence package: the text of the canned reply the person picked for
# this ticket (the page's `?reply_template=<id>`), or None when none was picked.
canned_reply = Hook("fill the canned reply a person picked (correspondence)")


def _new_form(action: str, ticket: Ticket, user: User, formdata) -> ActionForm:
    form = REGISTRY[Action(action)].form(prefix=action, formdata=formdata)
    _fill_choices(form, ticket, user)
    if formdata is None:
        form.version.data = str(ticket.version)
        if isinstance(form, ReplyForm) and canned_reply.is_registered:
            form.body.data = canned_reply(ticket) or form.body.data
    return form


def last_customer_message(ticket: Ticket) -> TicketEvent | None:
    """While the ticket waits on staff after the customer wrote: the event of their latest
    message (its note holds a preview of their words); None otherwise."""
    if ticket.customer_replied_at is None:
        return None
    return next((e for e in reversed(ticket.events) if e.action == "customer_message"), None)


def allowed_steps(ticket: Ticket, user: User) -> set[str]:
    """Every action the user may take now, including those shown inline (not as forms)."""
    return {str(action) for action in available_actions(ticket, user)}


def action_forms(ticket: Ticket, user: User) -> dict[str, ActionForm]:
    """One unbound form per action the user may take now, in the registry's order (the
    step that moves the ticket forward first); inline actions are shown in place."""
    allowed = set(available_actions(ticket, user))
    return {
        str(entry.action): _new_form(str(entry.action), ticket, user, None)
        for entry in ENTRIES
        if entry.action in allowed and not entry.inline
    }


def bound_action_form(ticket: Ticket, action: str) -> ActionForm:
    """The submitted form for `action`, bound to the request (its fields and its files)."""
    from flask import request
    from flask_login import current_user
    from werkzeug.datastructures import CombinedMultiDict

    formdata = CombinedMultiDict((request.files, request.form)) if request.files else request.form
    return _new_form(action, ticket, current_user, formdata)


def category_choices() -> list[SelectChoice]:
    """Active categories grouped under their dimension (the page filters by dimension)."""
    return [
        SelectChoice(
            category.id,
            category.label,
            optgroup=str(DIMENSION_LABELS.get(category.dimension, category.dimension)),
            render_kw={"data-dimension": category.dimension},
        )
        for category in active_categories()
    ]


def prepare_new_ticket_form(form: NewTicketForm, user: User) -> None:
    """Choices, defaults, and a site picker for those who work at every site (managers).
    The category starts on "Choose…" (the dimension on no choice at all): what the person
    picks is what the reports count."""
    form.category_id.choices = select_choices(CHOOSE) + category_choices()
    if has_permission(user, "view_all_sites"):
        sites = db.session.scalars(select(Site).order_by(Site.name))
        form.site_id.choices = select_choices((site.id, site.name) for site in sites)
        if not form.is_submitted():
            form.site_id.data = user.site_id
    else:
        del form.site_id
    if not form.is_submitted():
        form.own_now.data = user.role == Role.FRONT_DESK
        form.customer_locale.data = user.locale


def _chosen_customer_id(form: NewTicketForm) -> int | None:
    """The customer picked by the type-ahead (None: new customer details; -1: malformed,
    which intake refuses as an unknown customer)."""
    raw = form.customer_id.data
    if not raw:
        return None
    try:
        return inputs.parse_int(raw)
    except inputs.InputError:
        return -1


def new_ticket_input(form: NewTicketForm, user: User) -> NewTicket:
    site = user.site
    if "site_id" in form and isinstance(form.site_id.data, int):
        site = db.session.get(Site, form.site_id.data) or site
    zone = ZoneInfo(site.timezone)
    customer_id = _chosen_customer_id(form)
    customer = None
    if customer_id is None:
        customer = CustomerInput(
            name=form.customer_name.data or "",
            phone=form.customer_phone.data or "",
            email=form.customer_email.data or "",
            tier=form.customer_tier.data,
            locale=form.customer_locale.data or None,
            staff_locale=current_locale(),
        )
    return NewTicket(
        site=site,
        channel=form.channel.data,
        dimension=form.dimension.data,
        category_id=form.category_id.data,
        severity=form.severity.data,
        description=form.description.data or "",
        desired_outcome=form.desired_outcome.data or "",
        booking_ref=form.booking_ref.data or "",
        is_safety=form.is_safety.data,
        customer_id=customer_id,
        customer=customer,
        own_now=form.own_now.data,
        ownership={
            "acknowledgement": form.acknowledgement.data or "",
            "next_contact_by": inputs.local_moment(form.next_contact_by.data, zone),
        },
    )
