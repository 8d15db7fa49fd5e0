"""Turning ticket and SLA events into queued deliveries: receivers of the tickets signals.

Receivers run inside the transaction of the change (`tickets.signals`), so each matching
endpoint's delivery is an outbox row committed with the change or rolled back with it.
Which step is which event:

- `ticket_opened` → ``ticket.created``;
- ``own``, ``accept_transfer``, and ``reassign`` once the ticket has its new owner (not a
  new ticket routed to someone who has yet to accept) → ``ticket.owned``;
- ``offer_fix`` or ``approve`` that leaves the ticket in ``fix_offered`` (an offer within
  the owner's limit, or an over-limit fix approved) → ``ticket.fix_offered``;
- ``resolve`` → ``ticket.resolved``; ``reopen`` (by staff, or by the follow-up loop for a
  dissatisfied customer) → ``ticket.reopened``;
- ``escalate`` → ``ticket.escalated`` (by a person);
- the SLA ladder (`ladder_climbed`): the owner's warning → ``sla.at_risk``; level 1 (the
  clock's deadline passed) → ``sla.breached`` and ``ticket.escalated``; level 2 (still
  missed, managers) → ``ticket.escalated``; each names its clock;
- ``follow_up`` that reached the customer (staff recording an answer, or the customer's
  own survey answer) → ``follow_up.answered``.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from core.stamped import StampedCache
from core.vocabulary import Status
from extensions import db
from followups.models import FollowUpAttempt
from outbox.models import OutboxMessage
from outbox.queue import enqueue
from representations.tickets import fix_offer_json, follow_up_json, ticket_summary
from sla.ladder import Step
from tickets import signals
from tickets.escalation import STEP_EVENTS
from tickets.models import Ticket, TicketEvent
from webhooks.events import payload, serialize
from webhooks.models import WebhookEndpoint

CHANNEL = "webhook"
OWNERSHIP_ACTIONS = ("own", "accept_transfer", "reassign")
STEP_TYPES = {"resolve": "ticket.resolved", "reopen": "ticket.reopened",
              "escalate": "ticket.escalated"}


@dataclass(frozen=True)
class Listener:
    """An active endpoint covering a site, as each process keeps it (no database row)."""

    id: int
    url: str
    events: tuple[str, ...]

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


_listening = StampedCache()


def _listeners(ticket: Ticket) -> list[Listener]:
    """The active endpoints covering the ticket's site, read once per process and site
    settings stamp: any change to an endpoint gives the sites it covers a fresh stamp
    (`webhooks.services`)."""
    site = ticket.site
    return _listening.get(site.id, site.settings_stamp, lambda: _active_listeners(site.id))


def _active_listeners(site_id: int) -> list[Listener]:
    stmt = (select(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.events)
            .where(WebhookEndpoint.active.is_(True),
                   or_(WebhookEndpoint.site_id.is_(None),
                       WebhookEndpoint.site_id == site_id))
            .order_by(WebhookEndpoint.id))
    return [Listener(row.id, row.url, tuple(row.events or ()))
            for row in db.session.execute(stmt)]


def queue_event(endpoints: list[Listener], event_type: str, ticket: Ticket,
                now: datetime, data: dict, summary: dict | None = None
                ) -> list[OutboxMessage]:
    """One delivery of `event_type` about `ticket` per endpoint of `endpoints` (the
    signal's `_listeners`) subscribed to it, in the caller's transaction; returns the rows
    queued. `summary` is the ticket's JSON when the caller already built it."""
    wanting = [endpoint for endpoint in endpoints if endpoint.wants(event_type)]
    if not wanting:
        return []
    body = {"ticket": summary or ticket_summary(ticket), **data}
    return [
        enqueue(kind=event_type, to_address=endpoint.url, subject=event_type,
                body_text=serialize(payload(event_type, now, body)), due_at=now,
                ticket_id=ticket.id, now=now, channel=CHANNEL,
                webhook_endpoint_id=endpoint.id)
        for endpoint in wanting
    ]


def _username(actor) -> str | None:
    return actor.username if actor is not None else None


def _on_opened(ticket: Ticket, *, actor, now: datetime) -> None:
    queue_event(_listeners(ticket), "ticket.created", ticket, now,
                {"actor": _username(actor)})


def _step_event(ticket: Ticket, action: str, actor, data: dict) -> tuple[str, dict] | None:
    """(event type, extra data) of a step, None when the step is no webhook event."""
    by = {"actor": _username(actor)}
    if action in OWNERSHIP_ACTIONS:
        owned = ticket.owner is not None and ticket.pending_transfer_to_id is None
        return ("ticket.owned", by) if owned else None
    if action in ("offer_fix", "approve") and ticket.status == Status.FIX_OFFERED:
        offer = ticket.current_offer
        return "ticket.fix_offered", {**by, "fix_offer": offer and fix_offer_json(offer)}
    if action == "reopen":
        return "ticket.reopened", {**by, "reason": data.get("reason")}
    if action == "escalate":
        escalation = {"level": ticket.escalation_level, "by": "person", "clock": None,
                      "reason": data.get("reason")}
        return "ticket.escalated", {**by, "escalation": escalation}
    if action == "follow_up" and data.get("reached"):
        return "follow_up.answered", {**by, "follow_up": _answered_follow_up(ticket)}
    if action in STEP_TYPES:
        return STEP_TYPES[action], by
    return None


def _answered_follow_up(ticket: Ticket) -> dict | None:
    """The follow-up the step's attempt (the ticket's newest) belongs to, as JSON."""
    stmt = (select(FollowUpAttempt).where(FollowUpAttempt.ticket_id == ticket.id)
            .order_by(FollowUpAttempt.id.desc()).limit(1))
    attempt = db.session.scalars(stmt).first()
    return follow_up_json(attempt.follow_up) if attempt is not None else None


def _on_step(ticket: Ticket, *, action: str, actor, data: dict, now: datetime) -> None:
    event = _step_event(ticket, action, actor, data)
    if event is not None:
        queue_event(_listeners(ticket), event[0], ticket, now, event[1])


def _ladder_clocks(ticket: Ticket, count: int) -> list[str | None]:
    """The clock of each of the ladder's `count` newest step events (oldest first): the
    sweep records it in the event's changes (`tickets.escalation`)."""
    stmt = (select(TicketEvent.changes)
            .where(TicketEvent.ticket_id == ticket.id,
                   TicketEvent.action.in_(set(STEP_EVENTS.values())))
            .order_by(TicketEvent.id.desc()).limit(count))
    clocks = [((changes or {}).get("clock") or [None, None])[-1]
              for changes in db.session.scalars(stmt)]
    return list(reversed(clocks))


def _clock_json(ticket_json: dict, clock: str | None) -> dict:
    reading = ticket_json["sla"].get(clock) if clock else None
    return {"name": clock, "due": reading and reading["due"],
            "state": reading and reading["state"]}


def _on_ladder(ticket: Ticket, *, taken: list, now: datetime) -> None:
    """Each step the sweep took: at risk, breached (level 1) and escalated (levels 1, 2).
    The ticket's JSON and the steps' clocks are read once, and only when an endpoint
    covers the ticket's site."""
    endpoints = _listeners(ticket)
    if not endpoints:
        return
    summary = ticket_summary(ticket)
    for (step, _message), clock in zip(taken, _ladder_clocks(ticket, len(taken)), strict=True):
        clock_json = _clock_json(summary, clock)
        if step is Step.WARN_OWNER:
            queue_event(endpoints, "sla.at_risk", ticket, now, {"clock": clock_json}, summary)
            continue
        if step is Step.LEVEL_1:
            queue_event(endpoints, "sla.breached", ticket, now, {"clock": clock_json},
                        summary)
        level = 1 if step is Step.LEVEL_1 else 2
        escalation = {"level": level, "by": "sla", "clock": clock, "reason": None}
        queue_event(endpoints, "ticket.escalated", ticket, now,
                    {"actor": None, "escalation": escalation}, summary)


def connect() -> None:
    """Listen to the tickets package (idempotent: blinker keeps one connection each)."""
    signals.ticket_opened.connect(_on_opened)
    signals.step_taken.connect(_on_step)
    signals.ladder_climbed.connect(_on_ladder)
