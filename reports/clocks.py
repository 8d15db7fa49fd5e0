"""The SLA clocks as the weekly report reads them: where each clock's due time and met
moment live on the ticket, when a clock counts, and when it was met.

A clock counts in the week (site zone) in which its due time falls, once its outcome is
known: it was met (on time or late), or it fell due by `now` and is not paused. A clock
is met when it stopped no later than its due time. Only the latest run of a clock is
stored: after a reopen, the resolution clock is the new run; next contact is the latest
promise.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, or_, select

from core.vocabulary import Clock, values
from reports.scope import Scope
from tickets.models import Ticket

CLOCK_NAMES = values(Clock)


@dataclass(frozen=True)
class ClockColumns:
    """Where a clock's due time and the moment it was met live on the ticket."""

    due: ColumnElement
    met_at: ColumnElement
    paused_since: ColumnElement | None = None


def _since_reopen(column) -> ColumnElement[bool]:
    reopened = Ticket.reopened_at
    return and_(column.is_not(None), or_(reopened.is_(None), column >= reopened))


def _resolution_met_at() -> ColumnElement:
    """The resolution or decline that ended the current run of the resolution clock."""
    return case(
        (_since_reopen(Ticket.resolved_at), Ticket.resolved_at),
        (_since_reopen(Ticket.declined_at), Ticket.declined_at),
    )


CLOCKS: dict[str, ClockColumns] = {
    "first_response": ClockColumns(Ticket.first_response_due, Ticket.owned_at),
    "fix_offered": ClockColumns(
        Ticket.fix_offered_due, func.coalesce(Ticket.fix_offered_at, Ticket.declined_at)
    ),
    "resolution": ClockColumns(
        Ticket.resolution_due, _resolution_met_at(), Ticket.resolution_paused_since
    ),
    "next_contact": ClockColumns(Ticket.next_contact_by, Ticket.next_contact_met_at),
}


def clock_met(clock: str) -> ColumnElement[bool]:
    """The clock was met: stopped no later than its due time."""
    columns = CLOCKS[clock]
    return and_(columns.met_at.is_not(None), columns.met_at <= columns.due)


def _clock_known(clock: str, now) -> ColumnElement[bool]:
    """The outcome is known: met (on time or late), or due by `now` and not paused."""
    columns = CLOCKS[clock]
    lapsed = columns.due <= now
    if columns.paused_since is not None:
        lapsed = and_(lapsed, columns.paused_since.is_(None))
    return or_(columns.met_at.is_not(None), lapsed)


def sla_due(scope: Scope, clock: str) -> Select:
    """Tickets whose `clock` fell due in the week and whose outcome is known at `now`."""
    columns = CLOCKS[clock]
    stmt = select(Ticket.id).where(scope.during(columns.due), _clock_known(clock, scope.now))
    return stmt.correlate(None)


def sla_met(scope: Scope, clock: str) -> Select:
    return sla_due(scope, clock).where(clock_met(clock))


def sla_missed(scope: Scope, clock: str) -> Select:
    return sla_due(scope, clock).where(not_(clock_met(clock)))
