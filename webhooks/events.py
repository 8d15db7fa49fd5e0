"""The events an endpoint may subscribe to, and the one JSON body each delivery carries.

A delivery's body is serialised once, when it is queued (`serialize`): that string is
stored in the outbox, signed and sent as it is, at every attempt. Its shape:

    {"id": "evt_…", "type": "ticket.resolved", "created_at": "2026-…+00:00",
     "data": {"ticket": <the ticket summary of the API>, …}}

`id` is unique per delivery (one endpoint, one event): a receiver dedupes on it (delivery
is at least once). `data` always holds the ticket as it was when the event happened, and,
by event: `actor` (the username, or null for the system or the customer), `fix_offer`,
`reason`, `escalation` ({level, by: "person"|"sla", clock, reason}), `clock` ({name, due,
state}) or `follow_up`.
"""

import json
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l

EVENT_TYPES = (
    "ticket.created",
    "ticket.owned",
    "ticket.fix_offered",
    "ticket.resolved",
    "ticket.reopened",
    "ticket.escalated",
    "sla.at_risk",
    "sla.breached",
    "follow_up.answered",
)
EVENT_LABELS = {
    "ticket.created": _l("A ticket was opened"),
    "ticket.owned": _l("A ticket got an owner (owned, transfer accepted, reassigned)"),
    "ticket.fix_offered": _l("A fix was offered to the customer"),
    "ticket.resolved": _l("A ticket was resolved"),
    "ticket.reopened": _l("A ticket was reopened"),
    "ticket.escalated": _l("A ticket was escalated (by hand or by the SLA ladder)"),
    "sla.at_risk": _l("An SLA deadline is close"),
    "sla.breached": _l("An SLA deadline was missed"),
    "follow_up.answered": _l("The customer answered a follow-up"),
}
EVENT_ID_PREFIX = "evt_"


def new_event_id() -> str:
    """A fresh delivery id such as ``evt_3f2a…`` (32 hex digits)."""
    return EVENT_ID_PREFIX + uuid.uuid4().hex


def payload(event_type: str, created_at: datetime, data: dict) -> dict:
    """The body of one delivery of `event_type`, with a fresh id."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"not a webhook event: {event_type}")
    return {"id": new_event_id(), "type": event_type, "created_at": created_at.isoformat(),
            "data": data}


def serialize(body: dict) -> str:
    """The exact text that is stored, signed and sent (compact, UTF-8, keys in order)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def delivery_id(body_text: str) -> str:
    """The `id` of a serialised body."""
    return json.loads(body_text)["id"]
