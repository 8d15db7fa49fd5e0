"""Where a customer's personal data is held: the queries export and erasure share.

- their tickets, with what hangs off them (fix offers, follow-ups and their attempts,
  attachments, prevention actions; the events are read separately);
- the notifications about those tickets (staff messages that may name them);
- the outbox rows addressed to them (their survey mails, any mail to one of their
  addresses) and the staff mails of those notifications.
"""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.vocabulary import OPEN_STATES
from customers.models import Customer
from extensions import db
from followups.models import FollowUp
from notifications.models import Notification
from outbox.models import OutboxMessage
from tickets.models import Attachment, Ticket, TicketEvent


def tickets_of(customer: Customer, with_events: bool = False) -> list[Ticket]:
    """The customer's tickets, oldest first, their children loaded in a few queries."""
    options = [
        selectinload(Ticket.fix_offers),
        selectinload(Ticket.follow_ups).selectinload(FollowUp.attempts),
        selectinload(Ticket.attachments),
        selectinload(Ticket.prevention_actions),
        selectinload(Ticket.category),
    ]
    if with_events:
        options.append(selectinload(Ticket.events).selectinload(TicketEvent.actor))
    stmt = (
        select(Ticket).where(Ticket.customer_id == customer.id)
        .options(*options).order_by(Ticket.id)
    )
    return list(db.session.scalars(stmt))


def follow_up_ids(tickets: list[Ticket]) -> list[int]:
    return [follow_up.id for ticket in tickets for follow_up in ticket.follow_ups]


def notification_ids(ticket_ids: list[int]) -> list[int]:
    stmt = select(Notification.id).where(Notification.ticket_id.in_(ticket_ids))
    return list(db.session.scalars(stmt))


def customer_addresses(customer: Customer, survey_ids: list[int]) -> set[str]:
    """Their e-mail address now and every address their survey mails went to (lower case)."""
    stmt = select(OutboxMessage.to_address).where(OutboxMessage.follow_up_id.in_(survey_ids))
    found = {address.strip().lower() for address in db.session.scalars(stmt)}
    if customer.email:
        found.add(customer.email.strip().lower())
    return {address for address in found if address}


def addressed_to_customer(survey_ids: list[int], addresses: set[str]):
    """Outbox rows that went, or go, to the customer."""
    return or_(
        OutboxMessage.follow_up_id.in_(survey_ids),
        func.lower(OutboxMessage.to_address).in_(sorted(addresses)),
    )


def naming_customer(survey_ids: list[int], alert_ids: list[int], addresses: set[str]):
    """Outbox rows addressed to the customer, or staff mails of notifications about them."""
    return or_(
        addressed_to_customer(survey_ids, addresses),
        OutboxMessage.notification_id.in_(alert_ids),
    )


def summary(customer: Customer) -> dict:
    """What an erasure would touch: tickets, open tickets, attachments (three counts)."""
    mine = Ticket.customer_id == customer.id
    open_states = [str(state) for state in OPEN_STATES]
    stmt = select(
        select(func.count(Ticket.id)).where(mine).scalar_subquery(),
        select(func.count(Ticket.id)).where(mine, Ticket.status.in_(open_states))
        .scalar_subquery(),
        select(func.count(Attachment.id)).join(Ticket).where(mine).scalar_subquery(),
    )
    tickets, open_tickets, attachments = db.session.execute(stmt).one()
    return {"tickets": tickets, "open": open_tickets, "attachments": attachments}
