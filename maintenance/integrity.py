"""The invariant checker behind `flask check-integrity`: reads, never writes.

It reads the whole database in one consistent snapshot (REPEATABLE READ on PostgreSQL, one
read transaction on SQLite), in its own session, so it can run beside the live app and
never sees a ticket without the events committed with it. Tickets are read in batches in
id order (keyset: `id > last id`), each batch with a fixed number of queries (the tickets
with their customer, owner, offers and site; their events; their notifications), and the
session is cleared after each batch: memory and queries follow the batch size, not the
archive. The checks are in `ticket_checks`, `timing_checks`, `delivery_checks`,
`customer_checks` (the customer side: classification, opener, links, messages, intake) and
`search_checks` (SQLite: the customer search's table holds every customer).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from extensions import db
from followups.models import FollowUp
from maintenance import (
    customer_checks,
    delivery_checks,
    search_checks,
    ticket_checks,
    timing_checks,
)
from maintenance.findings import EventFact, Finding, NotificationFact, TicketFacts
from notifications.models import Notification
from outbox.models import OutboxMessage
from sites.calendar import calendar_for
from sites.models import Site
from sla.models import SlaPolicy
from sla.policy import policy_from_json
from tickets.models import Ticket, TicketEvent, format_ref

BATCH = 200
TICKET_CHECKS = (
    ticket_checks.check_state,
    ticket_checks.check_owner,
    ticket_checks.check_version,
    ticket_checks.check_replay,
    ticket_checks.check_escalations,
    delivery_checks.check_notifications,
    timing_checks.check_due_times,
    customer_checks.check_classified,
    customer_checks.check_opener,
    customer_checks.check_link,
)


@dataclass
class IntegrityReport:
    findings: list[Finding] = field(default_factory=list)
    tickets: int = 0
    outbox: int = 0

    @property
    def clean(self) -> bool:
        return not self.findings


@contextmanager
def snapshot_session() -> Iterator[Session]:
    """A session of its own over one consistent snapshot, rolled back at the end."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        elif connection.dialect.name == "sqlite":
            connection.connection.dbapi_connection.execute("BEGIN")
        session = Session(bind=connection, autoflush=False)
        try:
            yield session
        finally:
            session.close()
            connection.rollback()


class SiteTimes:
    """Each site's calendar and policy (and when the policy was last edited), read once."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(SlaPolicy.site_id, SlaPolicy.data, SlaPolicy.updated_at))
        self.policies = {site_id: (policy_from_json(data), edited) for site_id, data, edited
                         in rows}
        self.calendars = {}

    def facts_for(self, ticket: Ticket) -> TicketFacts:
        site = ticket.site
        if site.id not in self.calendars:
            self.calendars[site.id] = calendar_for(site)
        policy, edited = self.policies.get(site.id, (policy_from_json(None), None))
        return TicketFacts(ticket, self.calendars[site.id], policy, edited)


def _tickets_after(session: Session, last_id: int, size: int) -> list[Ticket]:
    stmt = (
        select(Ticket).where(Ticket.id > last_id).order_by(Ticket.id).limit(size)
        .options(selectinload(Ticket.customer), selectinload(Ticket.owner),
                 selectinload(Ticket.fix_offers),
                 selectinload(Ticket.site).selectinload(Site.holidays))
    )
    return list(session.scalars(stmt))


def _attach_trails(session: Session, facts: dict[int, TicketFacts]) -> None:
    """Each ticket's events (in order) and notifications: one query each for the batch."""
    ids = list(facts)
    events = select(TicketEvent.ticket_id, TicketEvent.id, TicketEvent.action,
                    TicketEvent.created_at, TicketEvent.changes, TicketEvent.note)
    for ticket_id, *row in session.execute(
        events.where(TicketEvent.ticket_id.in_(ids)).order_by(TicketEvent.id)
    ):
        facts[ticket_id].events.append(EventFact(*row))
    notes = select(Notification.ticket_id, Notification.id, Notification.recipient_id,
                   Notification.kind, Notification.message, Notification.created_at)
    for ticket_id, *row in session.execute(
        notes.where(Notification.ticket_id.in_(ids)).order_by(Notification.id)
    ):
        facts[ticket_id].notifications.append(NotificationFact(*row))


def check_tickets(session: Session, report: IntegrityReport, size: int) -> None:
    """Every ticket through every ticket check, batch by batch."""
    times, last_id = SiteTimes(session), 0
    while True:
        tickets = _tickets_after(session, last_id, size)
        if not tickets:
            return
        facts = {ticket.id: times.facts_for(ticket) for ticket in tickets}
        _attach_trails(session, facts)
        for fact in facts.values():
            for check in TICKET_CHECKS:
                report.findings.extend(check(fact))
        report.tickets += len(tickets)
        last_id = tickets[-1].id
        session.expunge_all()


def _outbox_refs(session: Session, rows) -> dict[int, str]:
    """The ticket reference each outbox row is about, where it is about one (its own
    ticket, a customer's mail; else its notification's or follow-up's)."""
    by_note = {r.notification_id: r.id for r in rows if r.notification_id is not None}
    by_follow_up = {r.follow_up_id: r.id for r in rows if r.follow_up_id is not None}
    refs = {r.id: format_ref(r.ticket_id) for r in rows if r.ticket_id is not None}
    for model, wanted in ((Notification, by_note), (FollowUp, by_follow_up)):
        if wanted:
            found = session.execute(select(model.id, model.ticket_id)
                                    .where(model.id.in_(list(wanted))))
            refs.update({wanted[key]: format_ref(ticket_id) for key, ticket_id in found
                         if ticket_id is not None and wanted[key] not in refs})
    return refs


def check_outbox(session: Session, report: IntegrityReport, now: datetime, size: int) -> None:
    """Every outbox row delivered or still being tried; the others, batch by batch."""
    report.outbox = session.scalar(select(func.count(OutboxMessage.id))) or 0
    row, last_id = OutboxMessage, 0
    columns = (row.id, row.status, row.attempts, row.claimed_until, row.last_error,
               row.notification_id, row.follow_up_id, row.ticket_id)
    while True:
        rows = session.execute(
            select(*columns).where(delivery_checks.undelivered_condition(now), row.id > last_id)
            .order_by(row.id).limit(size)
        ).all()
        if not rows:
            return
        refs = _outbox_refs(session, rows)
        for found in rows:
            problem = delivery_checks.outbox_problem(found.status, found.attempts,
                                                     found.claimed_until, found.last_error)
            ref = refs.get(found.id, "outbox")
            report.findings.append(Finding(ref, "outbox", f"row #{found.id}: {problem}"))
        last_id = rows[-1].id


def check_integrity(now: datetime | None = None, batch: int = BATCH) -> IntegrityReport:
    """Run every check over the whole database; `now` judges the outbox leases."""
    now = now or utcnow()
    report = IntegrityReport()
    with snapshot_session() as session:
        check_tickets(session, report, batch)
        check_outbox(session, report, now, batch)
        report.findings.extend(customer_checks.message_mail_findings(session))
        report.findings.extend(customer_checks.intake_findings(session))
        report.findings.extend(search_checks.search_index_findings(session))
    return report

