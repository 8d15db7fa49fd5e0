"""Who has complained lately: the customers page's lists before any search.

The tickets table is read by name (its model sits above customers): one query per list
(and one for the customers' sites, whose zones their dates are shown in).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from core.vocabulary import OPEN_STATES
from customers.models import Customer
from customers.services import REPEAT_WINDOW
from extensions import db

LIST_LIMIT = 15


@dataclass(frozen=True)
class Complainant:
    """A customer with their tickets of the last 90 days: how many, how many still open,
    and when the latest was opened."""

    customer: Customer
    tickets: int
    open_tickets: int
    last_ticket_at: datetime

    @property
    def is_repeat(self) -> bool:
        return self.tickets > 1


def _complainants(site_ids: list[int] | None, now: datetime, *, repeat_only: bool,
                  limit: int) -> list[Complainant]:
    tickets = db.metadata.tables["tickets"]
    count = func.count(tickets.c.id)
    last = func.max(tickets.c.created_at)
    still_open = func.sum(
        case((tickets.c.status.in_([str(s) for s in OPEN_STATES]), 1), else_=0)
    )
    stmt = (
        select(Customer, count, still_open, last)
        .join(tickets, tickets.c.customer_id == Customer.id)
        .where(tickets.c.created_at >= now - REPEAT_WINDOW, Customer.erased_at.is_(None))
        .group_by(Customer.id)
        .options(selectinload(Customer.site))  # dates in each customer's site zone
        .limit(limit)
    )
    if site_ids is not None:
        stmt = stmt.where(Customer.site_id.in_(site_ids))
    if repeat_only:
        stmt = stmt.having(count > 1).order_by(count.desc(), last.desc(), Customer.id)
    else:
        stmt = stmt.order_by(last.desc(), Customer.id)
    return [
        Complainant(customer, total, int(open_count or 0), latest)
        for customer, total, open_count, latest in db.session.execute(stmt)
    ]


def recent_complainants(site_ids: list[int] | None, now: datetime,
                        limit: int = LIST_LIMIT) -> list[Complainant]:
    """Customers of `site_ids` (None: every site) who complained in the last 90 days, the
    latest complaint first."""
    return _complainants(site_ids, now, repeat_only=False, limit=limit)


def repeat_complainants(site_ids: list[int] | None, now: datetime,
                        limit: int = LIST_LIMIT) -> list[Complainant]:
    """Customers of `site_ids` (None: every site) with more than one ticket in the last 90
    days, the most tickets first (the same rule as `customers.services.repeat_complainants`)."""
    return _complainants(site_ids, now, repeat_only=True, limit=limit)
