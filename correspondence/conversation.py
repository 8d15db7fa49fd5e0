"""The messages exchanged with a customer on one ticket, as staff read them.

Each `Exchange` is one `CustomerMessage` with what became of it: a message from the
customer was received; one to the customer is queued, sent, logged (no mail server
configured), failed, or was not mailed (no address, or staff chose not to send), read from
its outbox row. Internal notes are ticket events, so they never appear here.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from correspondence.delivery import HELD
from correspondence.models import CustomerMessage
from extensions import db
from outbox.models import OutboxMessage
from tickets.models import Ticket

QUEUED, SENT, LOGGED, FAILED, RECEIVED = "queued", "sent", "logged", "failed", "received"
NOT_MAILED, NOT_SENT = "not_mailed", "not_sent"
STATES = (RECEIVED, QUEUED, SENT, LOGGED, FAILED, NOT_MAILED, NOT_SENT)
_FROM_OUTBOX = {"pending": QUEUED, "sending": QUEUED, "sent": SENT, "logged": LOGGED,
                "failed": FAILED}


@dataclass(frozen=True)
class Exchange:
    message: CustomerMessage
    state: str
    last_error: str | None = None

    @property
    def is_from_customer(self) -> bool:
        return self.message.is_from_customer


def delivery_state(message: CustomerMessage, outbox_status: str | None) -> str:
    """What became of one message (see the module's doc)."""
    if message.is_from_customer:
        return RECEIVED
    if message.outbox_id is not None:
        return _FROM_OUTBOX.get(outbox_status or "", QUEUED)
    return NOT_SENT if message.source == HELD else NOT_MAILED


def conversation(ticket: Ticket) -> list[Exchange]:
    """Every message of the ticket, both ways, oldest first (newest last)."""
    stmt = (
        select(CustomerMessage, OutboxMessage.status, OutboxMessage.last_error)
        .outerjoin(OutboxMessage, OutboxMessage.id == CustomerMessage.outbox_id)
        .where(CustomerMessage.ticket_id == ticket.id)
        .options(joinedload(CustomerMessage.author))
        .order_by(CustomerMessage.created_at, CustomerMessage.id)
    )
    return [
        Exchange(message, delivery_state(message, status),
                 last_error if status == "failed" else None)
        for message, status, last_error in db.session.execute(stmt)
    ]
