"""Recompute due times: a site's open tickets after a policy change (an explicit action),
a customer's open tickets after their tier changed, and tickets stored before the SLA
engine (init-db)."""

from datetime import datetime

from sqlalchemy import select

from auth.models import User
from core.messages import Message, define
from core.vocabulary import OPEN_STATES, Tier
from core.words import N_
from customers import signals as customer_signals
from customers.models import Customer
from extensions import db
from sites import signals as site_signals
from sites.models import Site
from sla.models import SlaPolicyChange
from tickets.audit import diff, record_event, timing_snapshot
from tickets.deadlines import refresh_deadlines
from tickets.models import Ticket

# Why due times were recomputed: the note of the `sla_recomputed` event.
POLICY_APPLIED = define("sla.recomputed.policy_applied",
                        N_("SLA policy applied to open tickets"))
FIRST_TIME = define("sla.recomputed.first_time", N_("Due times computed for the first time"))
CALENDAR_CHANGED = define("sla.recomputed.calendar_changed",
                          N_("Site hours, holidays or time zone changed"))
TIER_CHANGED = define("sla.recomputed.tier_changed", N_("Customer tier is now %(tier)s"))
TIER_WORDS = {
    Tier.STANDARD: define("customer.tier.standard", N_("Standard")),
    Tier.KEY: define("customer.tier.key", N_("Key")),
    Tier.VIP: define("customer.tier.vip", N_("VIP")),
}


def tier_changed(tier: str) -> Message:
    """The note for a customer's new tier (a tier without a word is named by its code)."""
    word = TIER_WORDS.get(tier)
    return TIER_CHANGED(tier=word() if word is not None else tier)


def recompute_ticket(ticket: Ticket, actor: User | None, now: datetime,
                     reason: Message) -> bool:
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
    reason = tier_changed(customer.tier)
    return sum(recompute_ticket(t, actor, now, reason) for t in db.session.scalars(stmt))


def recompute_open_tickets(site: Site, actor: User, now: datetime) -> int:
    """Apply the site's current policy to its open tickets; returns how many changed."""
    stmt = select(Ticket).where(
        Ticket.site_id == site.id, Ticket.status.in_([str(s) for s in OPEN_STATES])
    )
    changed = sum(
        recompute_ticket(ticket, actor, now, POLICY_APPLIED())
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
                FIRST_TIME(),
            )
        db.session.flush()
        done += len(tickets)
        if len(tickets) < batch:
            return done


def recompute_site_tickets(site: Site, actor: User | None, now: datetime) -> int:
    """The site's calendar changed: re-time its open tickets; returns how many moved."""
    stmt = select(Ticket).where(Ticket.site_id == site.id, Ticket.status.in_(OPEN_STATES))
    reason = CALENDAR_CHANGED()
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
