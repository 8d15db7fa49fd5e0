"""The supervisor board: a site's at-risk and breached tickets, most urgent first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.database import JOINS_AS_WRITTEN
from core.vocabulary import OPEN_STATES
from extensions import db
from sites.models import Site
from sla.clocks import ClockReading, ClockState, most_urgent
from tickets.deadlines import read_clocks
from tickets.models import Ticket

BOARD_LIMIT = 1000
URGENT = (ClockState.AT_RISK, ClockState.BREACHED)


@dataclass(frozen=True)
class BoardRow:
    ticket: Ticket
    worst: ClockReading
    clocks: dict[str, ClockReading]


def board_rows(site: Site, now: datetime) -> list[BoardRow]:
    """Open tickets of `site` with a clock at risk or breached, ordered by time left."""
    stmt = (
        select(Ticket)
        .where(Ticket.site_id == site.id, Ticket.status.in_([str(s) for s in OPEN_STATES]))
        .options(
            joinedload(Ticket.customer),
            joinedload(Ticket.owner),
            joinedload(Ticket.site),
            joinedload(Ticket.category),
            joinedload(Ticket.pending_transfer_to),
        )
        .execution_options(**{JOINS_AS_WRITTEN: True})
        .order_by(Ticket.created_at)
        .limit(BOARD_LIMIT)
    )
    rows = []
    for ticket in db.session.scalars(stmt).unique():
        clocks = read_clocks(ticket, now)
        urgent = [r for r in clocks.values() if r.state in URGENT]
        if urgent:
            rows.append(BoardRow(ticket, most_urgent(urgent), clocks))
    return sorted(rows, key=lambda row: row.worst.margin)
