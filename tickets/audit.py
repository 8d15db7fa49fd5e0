"""The audit trail: snapshot a ticket, diff it, append an event. Events are never changed."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import event

from extensions import db
from tickets.models import Ticket, TicketEvent

TRACKED_FIELDS = (
    "status",
    "owner",
    "pending_transfer_to",
    "pending_approval_kind",
    "signoff_requested_from",
    "customer",
    "channel",
    "dimension",
    "category",
    "severity",
    "is_safety",
    "escalation_level",
    "next_contact_by",
    "acknowledgement",
    "outcome",
    "customer_response",
    "root_cause",
    "root_cause_note",
    "fault",
    "beyond_expectation",
    "decline_reason",
    "alternative_offered",
    "reopened_count",
    "first_response_due",
    "fix_offered_due",
    "resolution_due",
)


def _readable(value):
    """A JSON-safe, human-readable form of a field value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    for attribute in ("username", "name"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return str(value)


# Moments the SLA engine keeps on the ticket besides the due times: a change to them is a
# change of the ticket (a new version), so it is recorded like one.
TIMING_FIELDS = ("sla_next_check_at", "resolution_paused_since", "resolution_paused_seconds",
                 "next_contact_met_at")


def snapshot(ticket: Ticket) -> dict:
    return {field: _readable(getattr(ticket, field)) for field in TRACKED_FIELDS}


def timing_snapshot(ticket: Ticket) -> dict:
    """The tracked fields and the SLA timing fields, for a recomputation's audit event."""
    return {**snapshot(ticket),
            **{field: _readable(getattr(ticket, field)) for field in TIMING_FIELDS}}


def diff(before: dict, after: dict) -> dict:
    """Changed fields as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record_event(
    ticket: Ticket,
    actor,
    action: str,
    now: datetime,
    changes: dict | None = None,
    note: str = "",
) -> TicketEvent:
    """Append one event to the ticket's trail, in the caller's transaction."""
    entry = TicketEvent(
        ticket=ticket,
        actor=actor,
        action=action,
        created_at=now,
        changes=changes or {},
        note=note,
    )
    db.session.add(entry)
    return entry


@event.listens_for(TicketEvent, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise RuntimeError(f"ticket events are append-only (event {target.id})")


@event.listens_for(TicketEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise RuntimeError(f"ticket events are never deleted (event {target.id})")
