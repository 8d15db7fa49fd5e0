"""The customer's own words arriving on a ticket: by e-mail or from their status page.

One rule for every way in (:func:`receive_customer_words`): a message to an open or
resolved ticket is added to it; a message to a ticket closed at most REOPEN_WINDOW ago
reopens it first (a dissatisfied customer); a message to a ticket closed longer ago opens
a new ticket that links the old one. The owner (else the site's supervisors) is told.
Nothing here commits: the request, command or job around it owns the transaction.
"""

import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import flag_modified

from core.vocabulary import Status
from correspondence.models import CustomerMessage
from customers.services import CustomerInput
from extensions import db
from notifications.kinds import CUSTOMER_WROTE
from notifications.services import active_supervisors, notify
from tickets.actions import perform
from tickets.audit import record_event
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket

REOPEN_WINDOW = timedelta(days=14)
NOTE_PREVIEW = 200
SOURCES = ("email", "status_page", "web")


@dataclass(frozen=True)
class Received:
    """Where the customer's words went: `what` is added, reopened or opened (a new ticket
    linking `previous`)."""

    ticket: Ticket
    message: CustomerMessage
    what: str
    previous: Ticket | None = None


def receive_customer_words(ticket: Ticket, body: str, source: str, now: datetime, *,
                           mail_message_id: str | None = None) -> Received:
    """Add the customer's `body` to `ticket` (or reopen it, or open a linked ticket)."""
    if ticket.status == Status.CLOSED and ticket.closed_at is not None:
        if now - ticket.closed_at > REOPEN_WINDOW:
            return _open_linked(ticket, body, source, now, mail_message_id)
        reason = "The customer wrote again: " + _preview(body)
        perform(ticket, "reopen", None, {"reason": reason}, version=None, now=now)
        message = add_customer_message(ticket, body, source, now,
                                       mail_message_id=mail_message_id)
        return Received(ticket, message, "reopened")
    message = add_customer_message(ticket, body, source, now, mail_message_id=mail_message_id)
    return Received(ticket, message, "added")


def _open_linked(old: Ticket, body: str, source: str, now: datetime,
                 mail_message_id: str | None) -> Received:
    customer = old.customer
    complaint = CustomerComplaint(
        site=old.site,
        channel="email" if source == "email" else "web",
        customer=CustomerInput(name=customer.name, phone=customer.phone or "",
                               email=customer.email or "", locale=customer.locale),
        description=body,
        linked_ticket=old,
    )
    ticket = open_customer_ticket(complaint, now)
    message = _store(ticket, body, source, now, mail_message_id)
    db.session.flush()
    return Received(ticket, message, "opened", previous=old)


def _preview(body: str) -> str:
    return textwrap.shorten(" ".join(body.split()), width=NOTE_PREVIEW, placeholder="…")


def _store(ticket: Ticket, body: str, source: str, now: datetime,
           mail_message_id: str | None) -> CustomerMessage:
    if source not in SOURCES:
        raise ValueError(f"unknown source of a customer message: {source}")
    message = CustomerMessage(
        ticket=ticket, direction="in", kind="customer", source=source, body=body,
        short_text=_preview(body), locale=ticket.customer.locale, author=None,
        mail_message_id=mail_message_id, created_at=now,
    )
    db.session.add(message)
    return message


def add_customer_message(ticket: Ticket, body: str, source: str, now: datetime, *,
                         mail_message_id: str | None = None) -> CustomerMessage:
    """Store the customer's message, mark the ticket as waiting on staff ("customer
    replied"), audit it (one event, one new version) and tell the owner; flushed."""
    message = _store(ticket, body, source, now, mail_message_id)
    before = ticket.customer_replied_at
    ticket.customer_replied_at = now
    ticket.updated_at = now
    flag_modified(ticket, "updated_at")
    changes = {"customer_replied_at": [before.isoformat() if before else None, now.isoformat()],
               "source": [None, source]}
    record_event(ticket, None, "customer_message", now, changes, _preview(body))
    db.session.flush()
    _tell_staff(ticket, now)
    return message


def _tell_staff(ticket: Ticket, now: datetime) -> None:
    recipients = [ticket.owner] if ticket.owner is not None else active_supervisors(ticket.site)
    notify(recipients, "customer_message", CUSTOMER_WROTE(ref=ticket.ref), ticket=ticket,
           now=now)
