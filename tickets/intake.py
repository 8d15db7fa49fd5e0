"""Opening a ticket: customer, classification, the customer's words, optional ownership."""

from dataclasses import dataclass, field
from datetime import datetime

from auth.models import User
from auth.permissions import in_site_scope
from core.validation import ValidationFailed
from customers.models import Customer
from customers.services import CustomerInput, clean_customer_input, create_customer
from extensions import db
from sites.models import Site
from tickets import workflow
from tickets.audit import record_event, snapshot
from tickets.deadlines import refresh_deadlines
from tickets.models import Category, Ticket

MAX_TEXT = 5000


@dataclass
class NewTicket:
    """What the front desk types while the customer is at the counter."""

    site: Site
    channel: str
    dimension: str
    category_id: int | None
    severity: str
    description: str
    desired_outcome: str = ""
    booking_ref: str = ""
    is_safety: bool = False
    customer_id: int | None = None
    customer: CustomerInput | None = None
    own_now: bool = False
    ownership: dict = field(default_factory=dict)


def _check_choice(errors: dict, name: str, value: str, choices) -> None:
    if value not in [str(choice) for choice in choices]:
        errors[name] = "Choose one of the listed options."


def _check_site(actor: User, site: Site, errors: dict) -> None:
    if not in_site_scope(actor, site.id):
        errors["site_id"] = "You cannot open tickets for that site."


def _check_classification(data: NewTicket, errors: dict) -> Category | None:
    _check_choice(errors, "channel", data.channel, workflow.CHANNELS)
    _check_choice(errors, "dimension", data.dimension, workflow.DIMENSIONS)
    _check_choice(errors, "severity", data.severity, workflow.SEVERITIES)
    category = db.session.get(Category, data.category_id) if data.category_id else None
    if category is None or not category.active:
        errors["category_id"] = "Choose a category."
    description = (data.description or "").strip()
    if not description:
        errors["description"] = "Write down what the customer said, in their words."
    elif len(description) > MAX_TEXT:
        errors["description"] = f"Use at most {MAX_TEXT} characters."
    if len(data.desired_outcome or "") > MAX_TEXT:
        errors["desired_outcome"] = f"Use at most {MAX_TEXT} characters."
    if len(data.booking_ref or "") > 80:
        errors["booking_ref"] = "Use at most 80 characters."
    return category


def _check_customer(data: NewTicket, errors: dict) -> Customer | None:
    """The existing customer, or None after checking the new customer's details."""
    if data.customer_id:
        customer = db.session.get(Customer, data.customer_id)
        if customer is None or customer.site_id != data.site.id:
            errors["customer_id"] = "That customer is not known at this site."
        return customer
    if data.customer is None:
        errors["customer_id"] = "Find the customer or enter their details."
        return None
    try:
        clean_customer_input(data.customer, prefix="customer_")
    except ValidationFailed as failed:
        errors.update(failed.fields)
    return None


def _check_ownership(data: NewTicket, now: datetime, errors: dict) -> None:
    if not data.own_now:
        return
    try:
        workflow.validate(workflow.Action.OWN, data.ownership, now=now)
    except workflow.FieldErrors as failed:
        errors.update(failed.fields)


def _alert_safety(ticket: Ticket, now: datetime) -> None:
    """A safety or health complaint reaches the managers and site supervisors at once."""
    from notifications.services import active_managers, active_supervisors, notify

    message = f"{ticket.ref}: safety or health complaint at {ticket.site.name}. Act now."
    recipients = active_managers() + active_supervisors(ticket.site)
    notify(recipients, "safety", message, ticket=ticket, critical=True, now=now)


def open_ticket(actor: User, data: NewTicket, now: datetime) -> Ticket:
    """Create the ticket (and the customer, if new); own it on the spot when asked.

    Every field is checked before anything is written; the caller commits.
    """
    errors: dict[str, str] = {}
    _check_site(actor, data.site, errors)
    category = _check_classification(data, errors)
    _check_ownership(data, now, errors)
    customer = _check_customer(data, errors)
    if errors:
        raise ValidationFailed(errors)
    if customer is None:
        customer = create_customer(data.site.id, data.customer, prefix="customer_")
    ticket = Ticket(
        site=data.site,
        customer=customer,
        channel=data.channel,
        dimension=data.dimension,
        category=category,
        severity="critical" if data.is_safety else data.severity,
        is_safety=bool(data.is_safety),
        booking_ref=(data.booking_ref or "").strip(),
        description=data.description.strip(),
        desired_outcome=(data.desired_outcome or "").strip(),
        status=str(workflow.Status.NEW),
        opened_by=actor,
        created_at=now,
        updated_at=now,
    )
    preferred = customer.preferred_owner
    if not data.own_now and preferred is not None and preferred.is_active:
        ticket.pending_transfer_to = preferred
    with db.session.no_autoflush:
        refresh_deadlines(ticket, now)
    db.session.add(ticket)
    opened = {k: [None, v] for k, v in snapshot(ticket).items() if v not in (None, "", False, 0)}
    record_event(ticket, actor, "opened", now, opened)
    db.session.flush()
    if ticket.is_safety:
        _alert_safety(ticket, now)
    if data.own_now:
        from tickets.actions import perform

        perform(ticket, "own", actor, data.ownership, version=None, now=now)
        if customer.preferred_owner is None:
            customer.preferred_owner = actor
        db.session.flush()
    return ticket
