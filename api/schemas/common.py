"""The shape every error answer shares, and its stable codes."""

from typing import Any, Literal

from pydantic import Field

from api.schemas.types import ResponseBody

ERROR_CODES = (
    "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed",
    "conflict", "invalid_state", "too_large", "validation_failed", "idempotency_key_reused",
    "too_many_requests", "server_error", "service_unavailable",
)


class MessageCode(ResponseBody):
    """A domain message for programs: what `message` or a field's reason says, as a code
    and its parameters (values in English; a translated word is given in English)."""

    code: str = Field(description=(
        "Stable, dotted, e.g. `customer.name_required`, `input.too_long`, "
        "`ticket.owner_only`."), examples=["input.too_long"])
    params: dict[str, Any] = Field(description=(
        "The values the message names, e.g. `{\"limit\": 120}`."), examples=[{"limit": 120}])


class ErrorDetail(ResponseBody):
    code: Literal[ERROR_CODES] = Field(description=(
        "Stable, for programs: bad_request (400: not JSON, or a member of the wrong JSON "
        "type), unauthorized (401), forbidden (403: your role or relation to the ticket does "
        "not allow the step), not_found (404: unknown, or outside your sites), conflict "
        "(409: stale `version`), invalid_state (409: the step is not possible in the "
        "ticket's state), too_large (413), validation_failed (422: see `fields`), "
        "idempotency_key_reused (422: the key came with a different body), "
        "too_many_requests (429), service_unavailable (503)."))
    message: str = Field(description="For people, in the caller's language.")
    fields: dict[str, str] | None = Field(
        default=None, description="Each refused member (dotted path) and why, in the "
                                  "caller's language.")
    details: dict[str, MessageCode] | None = Field(
        default=None, description="The same members as `fields`, each reason as its code "
                                  "and parameters (for programs, and for showing it in a "
                                  "language of your own).")
    reason: MessageCode | None = Field(
        default=None, description="Why a step was refused (`forbidden`, `invalid_state`) "
                                  "or what changed meanwhile (`conflict`), as a code and "
                                  "parameters.")


class ErrorBody(ResponseBody):
    error: ErrorDetail

