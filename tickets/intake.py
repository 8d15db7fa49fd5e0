"""Opening a ticket: customer, classification, the customer's words, optional ownership."""

from dataclasses import dataclass, field
from datetime import datetime

from auth.models import User
from auth.permissions import in_site_scope
from core import inputs
from core.messages import define
from core.validation import ValidationFailed
from core.vocabulary import Channel, Dimension, Severity, Status, values
from core.words import N_
from customers.models import Customer
from customers.services import (
    CustomerInput,
    clean_customer_input,
    create_customer,
    find_existing_customer,
)
from extensions import db
from sites.models import Site
from tickets import field_rules, signals
from tickets.actions import perform
from tickets.audit import record_event, snapshot
from tickets.cleaning import FieldErrors
from tickets.deadlines import refresh_deadlines
from tickets.field_rules import CHOOSE_A_CATEGORY
from tickets.models import Category, Ticket
from tickets.registry import REGISTRY
from tickets.workflow import Action

MAX_TEXT = 5000
TEXT_FIELDS = (("description", MAX_TEXT, True), ("desired_outcome", MAX_TEXT, False),
               ("booking_ref", 80, False))
CHOOSE_LISTED = define("input.choose_listed", N_("Choose one of the listed options."))
OTHER_SITE = define("ticket.site_out_of_scope", N_("You cannot open tickets for that site."))
DESCRIPTION_REQUIRED = define("ticket.description_required",
                              N_("Write down what the customer said, in their words."))
UNKNOWN_CUSTOMER = define("ticket.customer_not_at_site",
                          N_("That customer is not known at this site."))
# What a ticket cannot have yet when it is opened: set empty, so that showing the new
# ticket (the API's answer, the first timeline) costs no query for them.
EMPTY_WHEN_OPENED = ("fix_offers", "attachments", "follow_ups")
CUSTOMER_REQUIRED = define("ticket.customer_required",
                           N_("Find the customer or enter their details."))


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


def _check_choice(errors: dict, name: str, value, choices) -> None:
    if not isinstance(value, str) or value not in [str(choice) for choice in choices]:
        errors[name] = CHOOSE_LISTED()


def _check_site(actor: User, site: Site, errors: dict) -> None:
    if not in_site_scope(actor, site.id):
        errors["site_id"] = OTHER_SITE()


def _check_texts(data: NewTicket, errors: dict) -> None:
    """The customer's words and the booking reference, through the input layer."""
    for name, limit, required in TEXT_FIELDS:
        try:
            inputs.clean_text(getattr(data, name), max_length=limit, required=required)
        except inputs.InputError as refused:
            errors[name] = refused.reason
    if getattr(errors.get("description"), "code", None) == inputs.REQUIRED.code:
        errors["description"] = DESCRIPTION_REQUIRED()


def _check_classification(data: NewTicket, errors: dict) -> Category | None:
    _check_choice(errors, "channel", data.channel, values(Channel))
    _check_choice(errors, "dimension", data.dimension, values(Dimension))
    _check_choice(errors, "severity", data.severity, values(Severity))
    category_id = data.category_id
    valid_id = isinstance(category_id, int) and 1 <= category_id <= inputs.INT32_MAX
    category = db.session.get(Category, category_id) if valid_id else None
    if category is None or not category.active:
        errors["category_id"] = CHOOSE_A_CATEGORY()
    _check_texts(data, errors)
    return category


def _check_customer(data: NewTicket, errors: dict) -> Customer | None:
    """The existing customer (chosen, or the site's customer with the same phone or e-mail),
    or None after checking the new customer's details."""
    if data.customer_id:
        known_id = isinstance(data.customer_id, int) and 1 <= data.customer_id <= inputs.INT32_MAX
        customer = db.session.get(Customer, data.customer_id) if known_id else None
        if customer is None or customer.site_id != data.site.id:
            errors["customer_id"] = UNKNOWN_CUSTOMER()
        return customer
    if data.customer is None:
        errors["customer_id"] = CUSTOMER_REQUIRED()
        return None
    if data.site is not None:
        known = find_existing_customer(data.site.id, data.customer.phone, data.customer.email)
        if known is not None:
            return known
    try:
        clean_customer_input(data.customer, prefix="customer_")
    except ValidationFailed as failed:
        errors.update(failed.fields)
    return None


def _check_ownership(data: NewTicket, now: datetime, errors: dict) -> None:
    if not data.own_now:
        return
    try:
        field_rules.validate(REGISTRY[Action.OWN].rule, data.ownership, now=now)
    except FieldErrors as failed:
        errors.update(failed.fields)


def _store_opened(ticket: Ticket, actor: User | None, now: datetime, *,
                  offer_to_preferred: bool) -> None:
    """Time the new ticket's clocks, add it with its `opened` event (flushed) and announce
    it. A customer with an active preferred owner is offered to them (a pending handover)
    unless someone owns the ticket on the spot."""
    preferred = ticket.customer.preferred_owner
    if offer_to_preferred and preferred is not None and preferred.is_active:
        ticket.pending_transfer_to = preferred
    with db.session.no_autoflush:
        refresh_deadlines(ticket, now)
    for name in EMPTY_WHEN_OPENED:
        setattr(ticket, name, [])
    db.session.add(ticket)
    opened = {k: [None, v] for k, v in snapshot(ticket).items() if v not in (None, "", False, 0)}
    record_event(ticket, actor, "opened", now, opened)
    db.session.flush()
    signals.ticket_opened.send(ticket, actor=actor, now=now)


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
        severity=Severity.CRITICAL.value if data.is_safety else data.severity,
        is_safety=bool(data.is_safety),
        booking_ref=(data.booking_ref or "").strip(),
        description=data.description.strip(),
        desired_outcome=(data.desired_outcome or "").strip(),
        status=str(Status.NEW),
        opened_by=actor,
        created_at=now,
        updated_at=now,
    )
    _store_opened(ticket, actor, now, offer_to_preferred=not data.own_now)
    if data.own_now:
        perform(ticket, "own", actor, data.ownership, version=None, now=now)
        if customer.preferred_owner is None:
            customer.preferred_owner = actor
        db.session.flush()
    return ticket


CUSTOMER_CHANNELS = (Channel.WEB, Channel.EMAIL)
DEFAULT_CUSTOMER_SEVERITY = Severity.MEDIUM


@dataclass
class CustomerComplaint:
    """What a customer sent themselves (the public form, an e-mail): their words and their
    contact details, no classification beyond an optional dimension their answer suggests."""

    site: Site
    channel: str
    customer: CustomerInput
    description: str
    desired_outcome: str = ""
    booking_ref: str = ""
    dimension: str | None = None
    linked_ticket: Ticket | None = None


def _check_complaint(data: CustomerComplaint, errors: dict) -> Customer | None:
    _check_choice(errors, "channel", data.channel, values(CUSTOMER_CHANNELS))
    if data.dimension is not None:
        _check_choice(errors, "dimension", data.dimension, values(Dimension))
    _check_texts(data, errors)
    known = find_existing_customer(data.site.id, data.customer.phone, data.customer.email)
    if known is not None:
        return known
    try:
        clean_customer_input(data.customer)
    except ValidationFailed as failed:
        errors.update(failed.fields)
    return None


def open_customer_ticket(data: CustomerComplaint, now: datetime) -> Ticket:
    """A ticket the customer opened: in `new`, clocks running, unclassified (no category;
    a dimension only when their answer suggests one), no opener. The customer is the site's
    customer with the same phone or e-mail (the staff intake's rule), else a new one.

    Every field is checked before anything is written (ValidationFailed names them, without
    a prefix: `name`, `phone`, `email`, `description` …); the caller commits.
    """
    errors: dict[str, str] = {}
    customer = _check_complaint(data, errors)
    if errors:
        raise ValidationFailed(errors)
    if customer is None:
        customer = create_customer(data.site.id, data.customer)
    ticket = Ticket(
        site=data.site,
        customer=customer,
        channel=str(data.channel),
        dimension=data.dimension,
        category=None,
        severity=str(DEFAULT_CUSTOMER_SEVERITY),
        is_safety=False,
        booking_ref=(data.booking_ref or "").strip(),
        description=data.description.strip(),
        desired_outcome=(data.desired_outcome or "").strip(),
        status=str(Status.NEW),
        opened_by=None,
        linked_ticket=data.linked_ticket,
        created_at=now,
        updated_at=now,
    )
    _store_opened(ticket, None, now, offer_to_preferred=True)
    return ticket
