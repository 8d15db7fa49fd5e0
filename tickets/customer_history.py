"""The customer's earlier tickets, shown on a ticket's page: what they complained about
before and how each ended, so whoever handles this one knows the story so far."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.vocabulary import Status
from extensions import db
from tickets.models import Ticket

HISTORY_LIMIT = 8
OUTCOME_PREVIEW = 140


@dataclass(frozen=True)
class PastTicket:
    """One earlier ticket: the ticket (its category loaded) and what it came to, in words
    staff wrote (the resolution, or why it was declined); empty while it is open."""

    ticket: Ticket
    outcome: str

    @property
    def created_at(self) -> datetime:
        return self.ticket.created_at


@dataclass(frozen=True)
class CustomerHistory:
    """The customer's other tickets, newest first (at most HISTORY_LIMIT), and how many
    there are in all."""

    tickets: list[PastTicket]
    total: int


def _outcome(ticket: Ticket) -> str:
    if ticket.status == Status.DECLINED:
        text = ticket.decline_reason or ""
    elif ticket.status in (Status.RESOLVED, Status.CLOSED):
        text = ticket.outcome or ""
    else:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= OUTCOME_PREVIEW else text[: OUTCOME_PREVIEW - 1] + "…"


def customer_history(ticket: Ticket, limit: int = HISTORY_LIMIT) -> CustomerHistory:
    """The other tickets of `ticket`'s customer, in one query (the count rides along as a
    window function, the category is joined)."""
    total = func.count().over().label("total")
    stmt = (
        select(Ticket, total)
        .where(Ticket.customer_id == ticket.customer_id, Ticket.id != ticket.id)
        .options(joinedload(Ticket.category))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    rows = db.session.execute(stmt).all()
    return CustomerHistory(
        tickets=[PastTicket(past, _outcome(past)) for past, _total in rows],
        total=rows[0].total if rows else 0,
    )
