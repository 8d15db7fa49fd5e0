"""Tickets: the ticket as the API answers it, the list, and the bodies of the calls."""

from typing import Any

from pydantic import Field

from api.schemas.types import (
    Amount,
    DayText,
    MomentText,
    RequestBody,
    ResponseBody,
    choice_of,
)
from core.inputs import INT32_MAX
from core.vocabulary import (
    Channel,
    CustomerResponse,
    Dimension,
    Fault,
    FollowUpKind,
    Locale,
    RemedyType,
    RootCause,
    Severity,
    Status,
    Tier,
    values,
)
from sla.clocks import ClockState

ISO = {"format": "date-time"}


class ClockOut(ResponseBody):
    due: str = Field(json_schema_extra=ISO)
    state: str = Field(json_schema_extra={"enum": list(values(ClockState))})
    met_at: str | None = Field(json_schema_extra=ISO)


class SlaOut(ResponseBody):
    """One object per clock; null when the clock has no due time (not started)."""

    first_response: ClockOut | None
    fix_offered: ClockOut | None
    resolution: ClockOut | None
    next_contact: ClockOut | None


class CustomerRef(ResponseBody):
    id: int
    name: str
    tier: str = Field(json_schema_extra={"enum": list(values(Tier))})


class TicketSummary(ResponseBody):
    ref: str = Field(examples=["SR-000123"])
    status: str = Field(json_schema_extra={"enum": list(values(Status))})
    version: int = Field(description="Send it back with every step; +1 on every change.")
    site: str
    customer: CustomerRef
    channel: str = Field(json_schema_extra={"enum": list(values(Channel))})
    dimension: str | None = Field(json_schema_extra={"enum": [*values(Dimension), None]})
    category: str | None = Field(description="The category's English name.")
    category_zh: str | None = Field(description="The category's Chinese name (null: none "
                                                "yet, or no category).")
    severity: str = Field(json_schema_extra={"enum": list(values(Severity))})
    is_safety: bool
    description: str
    desired_outcome: str | None
    owner: str | None = Field(description="The owner's username.")
    pending_transfer_to: str | None
    opened_by: str | None = Field(description="Null when the customer opened it (web, e-mail).")
    created_at: str = Field(json_schema_extra=ISO)
    updated_at: str = Field(json_schema_extra=ISO)
    next_contact_by: str | None = Field(json_schema_extra=ISO)
    escalation_level: int = Field(ge=0, le=2)
    classified: bool
    customer_replied_at: str | None = Field(json_schema_extra=ISO)
    sla: SlaOut


class FixOfferOut(ResponseBody):
    action: str
    remedy_type: str
    compensation: str | None = Field(examples=["80.00"])
    currency: str
    committed_by: str | None = Field(json_schema_extra=ISO)
    offered_by: str
    offered_at: str = Field(json_schema_extra=ISO)
    needs_approval: bool
    approved_by: str | None
    approved_at: str | None = Field(json_schema_extra=ISO)
    customer_response: str | None


class EventOut(ResponseBody):
    id: int
    action: str
    actor: str | None = Field(description="Null for the system (sweep, follow-up loop, customer).")
    created_at: str = Field(json_schema_extra=ISO)
    changes: dict[str, Any] | None
    note: str | None


class AttemptOut(ResponseBody):
    at: str = Field(json_schema_extra=ISO)
    reached: bool
    csat: int | None
    recovered: bool | None
    would_recommend: bool | None
    comment: str | None
    by_customer: bool
    recorded_by: str | None


class FollowUpOut(ResponseBody):
    id: int
    kind: str = Field(json_schema_extra={"enum": list(values(FollowUpKind))})
    due: str = Field(json_schema_extra=ISO)
    done_at: str | None = Field(json_schema_extra=ISO)
    outcome: str | None
    attempts: list[AttemptOut]


class AttachmentOut(ResponseBody):
    id: int
    file_name: str
    content_type: str
    size: int
    uploaded_by: str | None
    uploaded_at: str = Field(json_schema_extra=ISO)
    url: str


class TicketDetail(TicketSummary):
    booking_ref: str | None
    acknowledgement: str | None
    outcome: str | None
    customer_response: str | None
    root_cause: str | None
    root_cause_note: str | None
    fault: str | None
    decline_reason: str | None
    alternative_offered: str | None
    fix_offers: list[FixOfferOut]
    events: list[EventOut]
    follow_ups: list[FollowUpOut]
    attachments: list[AttachmentOut]


class TicketList(ResponseBody):
    tickets: list[TicketSummary]
    page: int | None = Field(description="Null when walking by cursor.")
    per_page: int
    total: int | None = Field(description=(
        "Every matching ticket, counted at most 10,000 past the page's start (see "
        "`total_exact`); null when walking by cursor."))
    pages: int | None
    total_exact: bool | None = Field(default=None, description=(
        "True when `total` and `pages` are exact; false when the count stopped 10,000 "
        "tickets past the page (they are then lower bounds: the next pages count further); "
        "null when walking by cursor."))
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (keyset: no OFFSET); null at the end.")


class EventList(ResponseBody):
    events: list[EventOut]
    next_cursor: str | None


# --- request bodies ----------------------------------------------------------------------


class CustomerIn(RequestBody):
    domain_required = ("name",)
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    tier: choice_of(values(Tier)) = None
    locale: choice_of(values(Locale)) = None


class NewTicketIn(RequestBody):
    """Open a ticket. With `own: true` the caller owns it at once (then `acknowledgement`
    and `next_contact_by` are required)."""

    domain_required = ("customer", "channel", "dimension", "category", "severity",
                       "description")
    customer: CustomerIn | None = None
    channel: choice_of(values(Channel)) = None
    dimension: choice_of(values(Dimension)) = None
    category: str | None = Field(default=None, description="An active category's name, "
                                                           "in English or in Chinese.")
    severity: choice_of(values(Severity)) = None
    description: str | None = None
    desired_outcome: str | None = None
    booking_ref: str | None = None
    is_safety: bool = False
    site: str | None = Field(default=None, description="A site's name; default: yours.")
    own: bool = False
    acknowledgement: str | None = None
    next_contact_by: MomentText = None


class Versioned(RequestBody):
    domain_required = ("version",)
    version: int | None = Field(default=None, ge=1, le=INT32_MAX,
                                description="The version you read.")


class OptionalVersion(RequestBody):
    version: int | None = Field(default=None, ge=1, le=INT32_MAX,
                                description="The version you read (optional for this step).")


class OwnIn(Versioned):
    domain_required = ("version", "acknowledgement", "next_contact_by")
    acknowledgement: str | None = None
    next_contact_by: MomentText = None
    dimension: choice_of(values(Dimension), "Required for an unclassified ticket.") = None
    category: str | None = Field(default=None,
                                 description="Required for an unclassified ticket.")
    send_acknowledgement: bool = True


class ContactIn(Versioned):
    domain_required = ("version", "note", "channel")
    note: str | None = None
    channel: choice_of(values(Channel)) = None
    next_contact_by: MomentText = None


class ReplyIn(Versioned):
    domain_required = ("version", "body")
    body: str | None = None
    next_contact_by: MomentText = None


class NoteIn(Versioned):
    domain_required = ("version", "body")
    body: str | None = None


class OfferFixIn(Versioned):
    domain_required = ("version", "action", "remedy_type", "committed_by")
    action: str | None = None
    remedy_type: choice_of(values(RemedyType)) = None
    compensation: Amount = None
    committed_by: MomentText = None


class ResponseIn(Versioned):
    domain_required = ("version", "customer_response")
    customer_response: choice_of(values(CustomerResponse)) = None
    note: str | None = None


class NoteOptionalIn(Versioned):
    note: str | None = None


class ReasonIn(Versioned):
    domain_required = ("version", "reason")
    reason: str | None = None


class PreventionIn(RequestBody):
    action: str | None = None
    owner: str | None = None
    due: DayText = None


class ResolveIn(Versioned):
    domain_required = ("version", "outcome", "customer_response", "root_cause",
                       "root_cause_note")
    outcome: str | None = None
    customer_response: choice_of(values(CustomerResponse)) = None
    root_cause: choice_of(values(RootCause)) = None
    root_cause_note: str | None = None
    fault: choice_of(values(Fault)) = None
    prevention: PreventionIn | None = None
    beyond_expectation: str | None = None


class DeclineIn(Versioned):
    """A supervisor or manager of the site signs the decline off with this call; front desk
    names the supervisor who must (`signed_off_by`)."""

    domain_required = ("version", "reason", "alternative_offered")
    reason: str | None = None
    alternative_offered: str | None = None
    signed_off_by: str | None = Field(default=None,
                                      description="A supervisor's username (front desk).")


class HandoverIn(Versioned):
    domain_required = ("version", "to", "handover_note")
    to: str | None = Field(default=None, description="A colleague's username.")
    handover_note: str | None = None


class ReassignIn(Versioned):
    domain_required = ("version", "to", "reason")
    to: str | None = Field(default=None, description="A colleague's username.")
    reason: str | None = None


class ReclassifyIn(Versioned):
    domain_required = ("version", "dimension", "severity", "reason", "category")
    dimension: choice_of(values(Dimension)) = None
    severity: choice_of(values(Severity)) = None
    category: str | None = None
    reason: str | None = None


class AcceptIn(OptionalVersion):
    note: str | None = None


class FollowUpIn(OptionalVersion):
    domain_required = ("kind", "reached")
    kind: choice_of(values(FollowUpKind)) = None
    reached: bool | None = None
    csat: int | None = Field(default=None, json_schema_extra={"minimum": 1, "maximum": 5})
    recovered: bool | None = None
    would_recommend: bool | None = None
    comment: str | None = None


class PreventionDoneIn(Versioned):
    domain_required = ("version", "prevention_id")
    prevention_id: int | None = Field(default=None, json_schema_extra={"minimum": 1})
    note: str | None = None


class AttachmentUpload(RequestBody):
    """multipart/form-data: the file, an optional note and the version you read."""

    domain_required = ("file",)
    file: bytes | None = Field(default=None, json_schema_extra={
        "contentMediaType": "application/octet-stream",
        "description": "A photo (JPEG, PNG, WebP, HEIC) or a PDF, at most 10 MB."})
    note: str | None = None
    version: int | None = Field(default=None, json_schema_extra={"minimum": 1})
