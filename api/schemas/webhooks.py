"""Webhook endpoints as the API answers them, their deliveries, and the bodies of the calls."""

from typing import Annotated

from pydantic import Field, WithJsonSchema

from api.schemas.types import RequestBody, ResponseBody
from webhooks.events import EVENT_TYPES
from webhooks.models import DESCRIPTION_LENGTH, URL_LENGTH

ISO = {"format": "date-time"}
EventName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(EVENT_TYPES)})]
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")


class NewWebhookIn(RequestBody):
    """A new endpoint. The service checks every member and names each one it refuses."""

    domain_required = ("url", "events")

    url: str | None = Field(default=None, description=(
        f"https:// with a host, at most {URL_LENGTH} characters of printable ASCII, no user "
        "name or password, no #fragment. It never changes: a new URL is a new endpoint."),
        examples=["https://pms.example.com/recovery-desk"])
    events: list[EventName] | None = Field(
        default=None, description="The events it receives (one or more; each once).")
    description: str | None = Field(default=None, description=(
        f"For people, at most {DESCRIPTION_LENGTH} characters."))
    site: str | None = Field(default=None, description=(
        "A site's name: only that site's tickets. Null or absent: every site."))


class WebhookPatchIn(RequestBody):
    """The members to change; absent ones keep their value. `url` is refused (422)."""

    events: list[EventName] | None = Field(default=None, description="One or more.")
    description: str | None = Field(default=None)
    active: bool | None = Field(default=None, description=(
        "false stops every delivery and cancels those waiting; true resumes new events."))
    url: str | None = Field(default=None, description="Cannot be changed: always refused.")


class WebhookOut(ResponseBody):
    id: int
    url: str
    description: str
    events: list[EventName]
    site: str | None = Field(description="The site's name; null for every site.")
    active: bool
    created_at: str = Field(json_schema_extra=ISO)
    updated_at: str = Field(json_schema_extra=ISO)
    secret_rotated_at: str | None = Field(json_schema_extra=ISO)
    last_status: int | None = Field(description=(
        "The HTTP status of the last attempt; null before any, or when it got no answer."))
    last_delivery_at: str | None = Field(json_schema_extra=ISO)
    consecutive_failures: int = Field(ge=0, description="Failed attempts since the last 2xx.")


class WebhookWithSecret(WebhookOut):
    """Answered once, by the creation and by each rotation: keep the secret."""

    secret: str = Field(description="`whsec_…`: the HMAC-SHA256 key of every signature.")


class WebhookList(ResponseBody):
    """Every endpoint, the active ones first, oldest first."""

    webhooks: list[WebhookOut]


class DeliveryOut(ResponseBody):
    id: str = Field(description="The delivery's id (`evt_…`), its Recovery-Desk-Delivery.")
    type: str = Field(json_schema_extra={"enum": list(EVENT_TYPES)})
    ticket: str | None = Field(examples=["SR-000123"])
    created_at: str = Field(json_schema_extra=ISO)
    status: str = Field(json_schema_extra={"enum": list(DELIVERY_STATUSES)}, description=(
        "pending (waiting for its next attempt), sending, sent (a 2xx answer), failed (given "
        "up after 6 attempts, or cancelled: see `last_error`)."))
    attempts: int = Field(ge=0)
    next_attempt_at: str | None = Field(json_schema_extra=ISO)
    sent_at: str | None = Field(json_schema_extra=ISO)
    last_status: int | None
    last_error: str | None


class DeliveryList(ResponseBody):
    """The endpoint's latest 50 deliveries, newest first."""

    deliveries: list[DeliveryOut]
