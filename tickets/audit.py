"""The audit trail: snapshot a ticket, diff it, append an event. Events are never changed.

An event's note is either words a person or the customer wrote (kept as written) or a note
the system wrote, which is a declared message (`core.messages`): the event keeps its code
and parameters (`note_code`, `note_params`) beside the English text, and the timeline
renders it in the reader's language (`event_note`). A parameter that is itself a message (a
clock's name) is stored as its code and parameters too, so nothing stored is ever looked up
in the catalogue: only the templates of the declared kinds are.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from core.messages import KINDS, Message, shown
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


def stored_params(message: Message) -> dict:
    """A message's parameters as JSON: a nested message as {"code", "params"}."""
    return {name: _stored_value(value) for name, value in message.params.items()}


def _stored_value(value: Any) -> Any:
    if isinstance(value, Message):
        return {"code": value.code, "params": stored_params(value)}
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"a stored message parameter must be plain JSON, not {value!r}")


def restored_message(code: str | None, params: dict | None) -> Message | None:
    """The message stored as `code` and `params`; None when the code is not declared
    (a kind since removed): the caller shows the stored English text instead."""
    kind = KINDS.get(code) if code else None
    if kind is None:
        return None
    values = {}
    for name, value in (params or {}).items():
        if isinstance(value, dict) and "code" in value:
            value = restored_message(value["code"], value.get("params"))
            if value is None:
                return None
        values[name] = value
    return Message(kind.code, kind.template, values)


def event_note(entry: TicketEvent) -> str:
    """The event's note for the reader: a system note rendered in the reader's language
    (shown() needs the request's, or a forced, locale), anything else as written."""
    message = restored_message(entry.note_code, entry.note_params)
    return shown(message) if message is not None else entry.note


def record_event(
    ticket: Ticket,
    actor,
    action: str,
    now: datetime,
    changes: dict | None = None,
    note: str = "",
) -> TicketEvent:
    """Append one event to the ticket's trail, in the caller's transaction. A `note` that
    is a declared Message is stored with its code and parameters (see the module's doc)."""
    is_message = isinstance(note, Message)
    entry = TicketEvent(
        ticket=ticket,
        actor=actor,
        action=action,
        created_at=now,
        changes=changes or {},
        note=str(note),
        note_code=note.code if is_message else None,
        note_params=stored_params(note) if is_message else None,
    )
    db.session.add(entry)
    return entry


@event.listens_for(TicketEvent, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise RuntimeError(f"ticket events are append-only (event {target.id})")


@event.listens_for(TicketEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise RuntimeError(f"ticket events are never deleted (event {target.id})")
