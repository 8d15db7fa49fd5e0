"""How a message reaches the customer: the one place that chooses the way.

A composed `Letter` becomes one `CustomerMessage` (direction ``out``) in the caller's
transaction. Its `source` says how it travels:

- ``email``: queued in the outbox to the customer's address, from MAIL_FROM, with a fresh
  Message-ID (kept on the outbox row and on the message, so replies thread), a Reply-To
  that routes back to us (the site's intake address, else MAIL_REPLY_TO) and In-Reply-To
  the customer's last mail on the ticket;
- ``no_address``: the customer gave no e-mail address; staff pass the short text on by
  hand (an SMS from the desk phone, a chat);
- ``held``: staff chose not to mail it (the guest asked for no e-mail).

A second channel (SMS to `customer.phone`) is one more branch in `route` and one more
`OutboxMessage.channel` value the sender knows; composing does not change.
"""

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select

from auth.models import User
from correspondence.models import CustomerMessage
from extensions import db
from outbox.models import OutboxMessage
from outbox.queue import enqueue, new_message_id
from tickets.models import Ticket

MAILED, NO_ADDRESS, HELD = "email", "no_address", "held"
ROUTES = (MAILED, NO_ADDRESS, HELD)
OUTBOX_KIND_PREFIX = "customer_"


@dataclass(frozen=True)
class Letter:
    """One message composed for a customer, in their language."""

    kind: str
    locale: str
    subject: str
    body_text: str
    short_text: str
    body_html: str | None = None


def route(ticket: Ticket, send: bool = True) -> str:
    """How a letter to this ticket's customer travels now (see the module's doc)."""
    if not send:
        return HELD
    if ticket.customer.email:
        return MAILED
    return NO_ADDRESS


def sender_domain(mail_from: str) -> str:
    """The domain of MAIL_FROM ("Hotel <desk@hotel.example>" → "hotel.example")."""
    return parseaddr(mail_from or "")[1].rpartition("@")[2]


def reply_address(ticket: Ticket) -> str | None:
    """Where the customer's answer should go: the site's intake address, else the
    configured MAIL_REPLY_TO, else nowhere special (None: replies go to MAIL_FROM)."""
    return ticket.site.intake_address or current_app.config.get("MAIL_REPLY_TO") or None


def last_incoming_message_id(ticket: Ticket) -> str | None:
    """The Message-ID of the customer's latest mail on the ticket, if any."""
    stmt = (
        select(CustomerMessage.mail_message_id)
        .where(CustomerMessage.ticket_id == ticket.id, CustomerMessage.direction == "in",
               CustomerMessage.mail_message_id.is_not(None))
        .order_by(CustomerMessage.created_at.desc(), CustomerMessage.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def _mail(ticket: Ticket, letter: Letter, now: datetime) -> OutboxMessage:
    config = current_app.config
    return enqueue(
        kind=OUTBOX_KIND_PREFIX + letter.kind,
        to_address=ticket.customer.email,
        subject=letter.subject,
        body_text=letter.body_text,
        body_html=letter.body_html,
        due_at=now,
        ticket_id=ticket.id,
        message_id=new_message_id(sender_domain(config["MAIL_FROM"])),
        reply_to=reply_address(ticket),
        in_reply_to=last_incoming_message_id(ticket),
        now=now,
    )


def deliver(ticket: Ticket, letter: Letter, author: User | None, now: datetime, *,
            send: bool = True) -> CustomerMessage:
    """Record the letter on the ticket and send it the way `route` chooses; flushed."""
    way = route(ticket, send)
    message = CustomerMessage(
        ticket=ticket, direction="out", kind=letter.kind, source=way,
        body=letter.body_text, short_text=letter.short_text, locale=letter.locale,
        author=author, created_at=now,
    )
    if way == MAILED:
        mail = _mail(ticket, letter, now)
        message.outbox_id, message.mail_message_id = mail.id, mail.message_id
    db.session.add(message)
    db.session.flush()
    return message
