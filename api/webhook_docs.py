"""The document's `webhooks` section: one entry per event a manager can subscribe to, with
the body every delivery carries and the headers that sign it (`docs/webhooks.md`)."""

from typing import Any, Literal

from pydantic import Field

from api.schemas.tickets import FixOfferOut, FollowUpOut, TicketSummary
from api.schemas.types import ResponseBody
from webhooks.events import EVENT_LABELS, EVENT_TYPES

SIGNATURE = ("`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the endpoint's "
             "secret>`; recompute it over the raw bytes, compare in constant time, refuse a "
             "`t` more than 5 minutes old.")
HEADERS = {
    "Recovery-Desk-Event": "The event type, e.g. `ticket.resolved`.",
    "Recovery-Desk-Delivery": "The delivery's id (`evt_…`), the same at every retry: dedupe "
                              "on it (delivery is at least once).",
    "Recovery-Desk-Signature": SIGNATURE,
}


class WebhookData(ResponseBody):
    """The ticket as it was when the event happened, and what the event adds."""

    ticket: TicketSummary
    actor: str | None = Field(default=None, description="Username; null for the system.")
    fix_offer: FixOfferOut | None = None
    reason: str | None = None
    escalation: dict[str, Any] | None = Field(
        default=None, description="{level, by: person|sla, clock, reason}")
    clock: dict[str, Any] | None = Field(default=None, description="{name, due, state}")
    follow_up: FollowUpOut | None = None


class WebhookEvent(ResponseBody):
    """One delivery's JSON body, POSTed to the endpoint."""

    id: str = Field(examples=["evt_3f2a9c0e5b7d4a1e8c6f0b2d4e6a8c0e"])
    type: Literal[EVENT_TYPES]
    created_at: str = Field(json_schema_extra={"format": "date-time"})
    data: WebhookData


def payload_models() -> list:
    return [WebhookEvent]


def _entry(event: str, ref: dict) -> dict:
    return {"post": {
        "operationId": "webhook_" + event.replace(".", "_"),
        "summary": str(EVENT_LABELS[event]),
        "description": f"Sent to each active endpoint subscribed to `{event}` whose site "
                       "matches, by the outbox: retried after 1, 5, 15, 60 and 240 minutes "
                       "until a 2xx answer (6 attempts), never from inside a request.",
        "parameters": [{"name": name, "in": "header", "required": True,
                        "description": text, "schema": {"type": "string"}}
                       for name, text in HEADERS.items()],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": ref}}},
        "responses": {"2XX": {"description": "Received; any other answer is retried."}},
    }}


def webhooks(refs: dict) -> dict:
    ref = refs[(WebhookEvent, "serialization")]
    return {event: _entry(event, ref) for event in EVENT_TYPES}
