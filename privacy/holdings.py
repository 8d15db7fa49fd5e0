"""Where a customer's personal data is held: the queries export and erasure share.

- their tickets, with what hangs off them (fix offers, follow-ups and their attempts,
  attachments, prevention actions; the events are read separately);
- the notifications about those tickets (staff messages that may name them);
- the messages exchanged with them on those tickets (`customer_messages`, both ways);
- the mail that came in from them (`inbound_mail`: on their tickets, or from one of their
  addresses, also mail that was ignored or could not be read);
- the outbox rows addressed to them (their survey mails, the customer mails of their
  tickets, any mail to one of their addresses) and the staff mails of those notifications.

Their addresses are every address they are known by: the one on file, and those their
survey and ticket mails went to and their mail came from.
"""

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from core.vocabulary import OPEN_STATES
from correspondence.delivery import OUTBOX_KIND_PREFIX
from correspondence.models import CustomerMessage
from customers.models import Customer
from extensions import db
from followups.models import FollowUp
from mailin.models import InboundMail
from notifications.models import Notification, NotificationDigest
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


def message_outbox_ids(ticket_ids: list[int]):
    """SELECT of the outbox rows that carried a message of these tickets to the customer."""
    return (
        select(CustomerMessage.outbox_id)
        .where(CustomerMessage.ticket_id.in_(ticket_ids), CustomerMessage.outbox_id.is_not(None))
        .scalar_subquery()
    )


def _mail_of_tickets(ticket_ids: list[int]):
    """Outbox rows written to the customer about these tickets (the messages' mails)."""
    return or_(
        OutboxMessage.id.in_(message_outbox_ids(ticket_ids)),
        and_(OutboxMessage.ticket_id.in_(ticket_ids),
             OutboxMessage.kind.startswith(OUTBOX_KIND_PREFIX, autoescape=True)),
    )


def customer_addresses(customer: Customer, survey_ids: list[int],
                       ticket_ids: list[int] = ()) -> set[str]:
    """Their e-mail address now, every address their survey mails and the mails of their
    tickets went to, and every address their mail on those tickets came from (lower case)."""
    ticket_ids = list(ticket_ids)
    sent = select(OutboxMessage.to_address).where(
        or_(OutboxMessage.follow_up_id.in_(survey_ids), _mail_of_tickets(ticket_ids)))
    came = select(InboundMail.from_address).where(InboundMail.ticket_id.in_(ticket_ids))
    found = {(address or "").strip().lower() for address in db.session.scalars(sent)}
    found |= {(address or "").strip().lower() for address in db.session.scalars(came)}
    if customer.email:
        found.add(customer.email.strip().lower())
    return {address for address in found if address}


def addressed_to_customer(survey_ids: list[int], addresses: set[str],
                          ticket_ids: list[int] = ()):
    """Outbox rows that went, or go, to the customer."""
    return or_(
        OutboxMessage.follow_up_id.in_(survey_ids),
        func.lower(OutboxMessage.to_address).in_(sorted(addresses)),
        _mail_of_tickets(list(ticket_ids)),
    )


def naming_customer(survey_ids: list[int], alert_ids: list[int], addresses: set[str],
                    ticket_ids: list[int] = ()):
    """Outbox rows addressed to the customer, or staff mails of notifications about them
    (one by one, or the daily digests that listed them)."""
    digests = (select(NotificationDigest.outbox_id)
               .join(Notification, Notification.digest_id == NotificationDigest.id)
               .where(Notification.id.in_(alert_ids), NotificationDigest.outbox_id.is_not(None)))
    return or_(
        addressed_to_customer(survey_ids, addresses, ticket_ids),
        OutboxMessage.notification_id.in_(alert_ids),
        OutboxMessage.id.in_(digests),
    )


def messages_of(ticket_ids: list[int]) -> list[CustomerMessage]:
    """The messages exchanged with the customer on these tickets, oldest first."""
    stmt = (
        select(CustomerMessage).where(CustomerMessage.ticket_id.in_(ticket_ids))
        .options(selectinload(CustomerMessage.author), selectinload(CustomerMessage.ticket))
        .order_by(CustomerMessage.ticket_id, CustomerMessage.id)
    )
    return list(db.session.scalars(stmt))


def from_customer(ticket_ids: list[int], addresses: set[str]):
    """Inbound mail on their tickets, or from one of their addresses."""
    return or_(
        InboundMail.ticket_id.in_(ticket_ids),
        func.lower(func.trim(InboundMail.from_address)).in_(sorted(addresses)),
    )


def inbound_mail_of(ticket_ids: list[int], addresses: set[str]) -> list[InboundMail]:
    stmt = select(InboundMail).where(from_customer(ticket_ids, addresses))
    return list(db.session.scalars(stmt.order_by(InboundMail.id)))


def inbound_subjects(ticket_ids: list[int], addresses: set[str]) -> list[str]:
    """The subjects of the customer's mail (their own words)."""
    stmt = select(InboundMail.subject).where(from_customer(ticket_ids, addresses))
    return [subject for subject in db.session.scalars(stmt) if subject]


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
