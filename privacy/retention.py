"""Retention: customers with no ticket activity for CUSTOMER_RETENTION_MONTHS are erased.

`anonymise_inactive(now)` is the scheduler's daily job. Rules:

- off unless CUSTOMER_RETENTION_MONTHS is a whole number of months from 1 to 1200
  (None or 0: off; anything else is a configuration error, raised so the job's log says so);
- a customer is inactive when their last ticket activity (the newest `updated_at` of their
  tickets, or when they were added if they have none) is older than that many calendar
  months before `now`, and none of their tickets is open (new, owned, fix offered,
  awaiting approval);
- each is erased through `privacy.erasure.erase_customer` with actor None (the system) and
  reason "retention"; erased customers carry `erased_at` and are never chosen again, so the
  job is idempotent; at most BATCH customers per run (the rest wait for the next day),
  oldest activity first. On PostgreSQL the chosen rows are locked with SKIP LOCKED, so two
  runs never take the same customer.

The caller commits (`core.transaction.run_job`).
"""

import calendar
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from core.vocabulary import OPEN_STATES
from customers.models import Customer
from extensions import db
from privacy.erasure import erase_customer
from privacy.models import BY_RETENTION
from tickets.models import Ticket

BATCH = 200
MAX_MONTHS = 1200
SETTING = "CUSTOMER_RETENTION_MONTHS"


def retention_months(config) -> int | None:
    """The configured retention in months, None when off; ValueError when malformed."""
    value = config.get(SETTING)
    if value in (None, 0, ""):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MONTHS:
        raise ValueError(f"{SETTING} must be a whole number of months from 0 to {MAX_MONTHS}")
    return value or None


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when
    that month is shorter: 31 March − 1 month = 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def inactive_customers(cutoff: datetime, limit: int = BATCH) -> list[Customer]:
    """Customers not erased, with no open ticket and no ticket activity since `cutoff`."""
    activity = (
        select(Ticket.customer_id, func.max(Ticket.updated_at).label("last_at"))
        .group_by(Ticket.customer_id)
        .subquery()
    )
    open_tickets = select(Ticket.customer_id).where(
        Ticket.status.in_([str(state) for state in OPEN_STATES])
    )
    last_at = func.coalesce(activity.c.last_at, Customer.created_at)
    stmt = (
        select(Customer)
        .outerjoin(activity, activity.c.customer_id == Customer.id)
        .where(Customer.erased_at.is_(None), last_at < cutoff,
               Customer.id.not_in(open_tickets))
        .order_by(last_at, Customer.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=Customer)
    return list(db.session.scalars(stmt))


def anonymise_inactive(now: datetime) -> int:
    """Erase up to BATCH inactive customers (rules above); returns how many."""
    months = retention_months(current_app.config)
    if months is None:
        return 0
    chosen = inactive_customers(months_before(now, months), limit=BATCH)
    for customer in chosen:
        erase_customer(customer, None, now, reason=BY_RETENTION)
    return len(chosen)
