"""Recompute due times: a site's open tickets after a policy change (an explicit action),
a customer's open tickets after their tier changed, and tickets stored before the SLA
engine (init-db)."""

from datetime import datetime

from sqlalchemy import select

from auth.models import User
from core.vocabulary import OPEN_STATES
from customers import signals as customer_signals
from customers.models import Customer
from extensions import db
from sites import signals as site_signals
from sites.models import Site
from sla.models import SlaPolicyChange
from tickets.audit import diff, record_event, timing_snapshot
from tickets.deadlines import refresh_deadlines
from tickets.models import Ticket


def recompute_ticket(ticket: Ticket, actor: User | None, now: datetime, reason: str) -> bool:
    """Refresh one ticket's due times; an event is written when any of them moved."""
    before = timing_snapshot(ticket)
    refresh_deadlines(ticket, now)
    changes = diff(before, timing_snapshot(ticket))
    if not changes:
        return False
    ticket.updated_at = now
    record_event(ticket, actor, "sla_recomputed", now, changes, reason)
    return True


def recompute_customer_tickets(customer: Customer, actor: User | None, now: datetime) -> int:
    """The customer's tier changed: re-time their open tickets."""
    stmt = select(Ticket).where(
        Ticket.customer_id == customer.id, Ticket.status.in_([str(s) for s in OPEN_STATES])
    )
    reason = f"Customer tier is now {customer.tier}"
    return sum(recompute_ticket(t, actor, now, reason) for t in db.session.scalars(stmt))


def recompute_open_tickets(site: Site, actor: User, now: datetime) -> int:
    """Apply the site's current policy to its open tickets; returns how many changed."""
    stmt = select(Ticket).where(
        Ticket.site_id == site.id, Ticket.status.in_([str(s) for s in OPEN_STATES])
    )
    changed = sum(
        recompute_ticket(ticket, actor, now, "SLA policy applied to open tickets")
        for ticket in db.session.scalars(stmt)
    )
    db.session.add(
        SlaPolicyChange(
            site_id=site.id,
            actor=actor,
            action="recompute",
            tickets_recomputed=changed,
            created_at=now,
        )
    )
    db.session.flush()
    return changed


def backfill_deadlines(now: datetime, batch: int = 500) -> int:
    """Give tickets stored before the SLA engine their due times (run by init-db)."""
    done = 0
    while True:
        stmt = select(Ticket).where(Ticket.first_response_due.is_(None)).limit(batch)
        tickets = db.session.scalars(stmt).all()
        for ticket in tickets:
            refresh_deadlines(ticket, now)
            record_event(
                ticket,
                None,
                "sla_recomputed",
                now,
                {"first_response_due": [None, ticket.first_response_due.isoformat()]},
                "Due times computed for the first time",
            )
        db.session.flush()
        done += len(tickets)
        if len(tickets) < batch:
            return done


def recompute_site_tickets(site: Site, actor: User | None, now: datetime) -> int:
    """The site's calendar changed: re-time its open tickets; returns how many moved."""
    stmt = select(Ticket).where(Ticket.site_id == site.id, Ticket.status.in_(OPEN_STATES))
    reason = "Site hours, holidays or time zone changed"
    return sum(recompute_ticket(t, actor, now, reason) for t in db.session.scalars(stmt))


def _on_calendar_changed(site: Site, *, actor: User | None, now: datetime) -> None:
    recompute_site_tickets(site, actor, now)


def _on_tier_changed(customer: Customer, *, actor: User | None, now: datetime) -> None:
    recompute_customer_tickets(customer, actor, now)


def connect() -> None:
    """Re-time open tickets when a customer's tier or a site's calendar changes
    (idempotent)."""
    customer_signals.tier_changed.connect(_on_tier_changed)
    site_signals.calendar_changed.connect(_on_calendar_changed)
