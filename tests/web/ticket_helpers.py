"""Posting ticket actions the way the ticket page does."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core import clock
from extensions import db
from tickets.models import Ticket


def local_input(moment: datetime, zone: str = "Asia/Shanghai") -> str:
    """A datetime-local form value in the site's zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def in_hours(hours: float) -> str:
    return local_input(clock.utcnow() + timedelta(hours=hours))


def fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def post_action(client, ticket: Ticket, verb: str, /, version: int | None = None, **fields):
    """Submit the `verb` form of `ticket` with `fields` (prefixed as the page does)."""
    current = fresh(ticket)
    data = {f"{verb}-{name}": value for name, value in fields.items()}
    data[f"{verb}-version"] = str(current.version if version is None else version)
    return client.post(f"/tickets/{current.ref}/{verb}", data=data)


FIX = {
    "action": "Move the guest to a quiet room on floor 12 tonight",
    "remedy_type": "upgrade",
    "compensation": "150.00",
}
RESOLUTION = {
    "outcome": "Moved to 1203; guest thanked us",
    "customer_response": "accepted",
    "root_cause": "process",
    "root_cause_note": "Noisy rooms were not flagged at check-in",
    "fault": "us",
}
