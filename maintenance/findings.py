"""What the integrity checker reports, and what one ticket's checks read.

A finding names the ticket reference (SR-000123), or the outbox row when a mail belongs to
no ticket, the check that found it, and a one-line message.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sla.calendar import BusinessCalendar
from sla.policy import Policy


@dataclass(frozen=True)
class Finding:
    ref: str
    check: str
    message: str

    def line(self) -> str:
        """The finding as printed by `flask check-integrity`: one line, reference first."""
        text = " ".join(self.message.split())
        return f"{self.ref} {self.check}: {text}"


@dataclass(frozen=True)
class EventFact:
    """One audit event, as read for the checks (no ORM object)."""

    id: int
    action: str
    created_at: datetime
    changes: dict
    note: str


@dataclass(frozen=True)
class NotificationFact:
    """One notification about a ticket, as read for the checks."""

    id: int
    recipient_id: int
    kind: str
    message: str
    created_at: datetime


@dataclass
class TicketFacts:
    """A ticket (an ORM object of the checker's own read-only session) and what hangs off
    it: its audit trail in order, its notifications, and its site's calendar and policy."""

    ticket: object
    calendar: BusinessCalendar
    policy: Policy
    policy_edited_at: datetime | None = None
    events: list[EventFact] = field(default_factory=list)
    notifications: list[NotificationFact] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return self.ticket.ref

    def finding(self, check: str, message: str) -> Finding:
        return Finding(self.ref, check, message)
