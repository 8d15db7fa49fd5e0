"""Ticket endpoints: create, list, read, events, attachments, and one POST per workflow
action of the registry (its body model in `ACTION_BODIES`)."""

from zoneinfo import ZoneInfo

from flask import g, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from api.cursors import (
    capped_offset_page,
    cursor_after,
    decode_cursor,
    keyset_page,
    no_counts,
    per_page_or_default,
)
from api.discovery import site_in_scope
from api.errors import ApiError
from api.idempotency import IdempotentCreate
from api.schemas import tickets as schemas
from api.schemas.queries import EventListQuery, TicketListQuery
from api.spec import operation
from core import inputs
from core.clock import utcnow
from core.formatting import current_locale
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from customers.services import CustomerInput
from extensions import db
from representations.tickets import event_json, ticket_detail, ticket_summary
from tickets import queries
from tickets.access import load_ticket
from tickets.actions import perform
from tickets.attachments import find_attachment, path_of
from tickets.intake import NewTicket, open_ticket
from tickets.models import Category, Ticket, TicketEvent
from tickets.registry import ENTRIES, Entry

TAG = "Tickets"
CUSTOMER_NEEDED = define("api.customer_needed",
                         N_("Give the customer as an object with a name."))
VERSION_NEEDED = define("api.version_needed", N_("Send the version of the ticket you saw."))
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf")
WORKFLOW_TAG = "Workflow"
API_FIELD_NAMES = {
    "category_id": "category",
    "customer_id": "customer",
    "customer_name": "customer.name",
    "customer_phone": "customer.phone",
    "customer_email": "customer.email",
    "customer_tier": "customer.tier",
    "customer_locale": "customer.locale",
    "site_id": "site",
    "ownership.acknowledgement": "acknowledgement",
    "prevention_action": "prevention.action",
    "prevention_owner": "prevention.owner",
    "prevention_due": "prevention.due",
    "content": "file",
}
ACTION_BODIES: dict[str, type[schemas.RequestBody]] = {
    "own": schemas.OwnIn,
    "accept": schemas.AcceptIn,
    "approve": schemas.NoteOptionalIn,
    "offer-fix": schemas.OfferFixIn,
    "record-response": schemas.ResponseIn,
    "resolve": schemas.ResolveIn,
    "follow-ups": schemas.FollowUpIn,
    "close": schemas.NoteOptionalIn,
    "reopen": schemas.ReasonIn,
    "contacts": schemas.ContactIn,
    "reply": schemas.ReplyIn,
    "reject": schemas.ReasonIn,
    "transfer": schemas.HandoverIn,
    "decline": schemas.DeclineIn,
    "reassign": schemas.ReassignIn,
    "escalate": schemas.ReasonIn,
    "reclassify": schemas.ReclassifyIn,
    "notes": schemas.NoteIn,
    "prevention-done": schemas.PreventionDoneIn,
}


def as_api_fields(failed: ValidationFailed) -> ValidationFailed:
    """The domain's field names renamed to the names of the JSON body."""
    return ValidationFailed({API_FIELD_NAMES.get(k, k): v for k, v in failed.fields.items()})


def _category(name: str | None) -> Category | None:
    """The category named `name` (English in any case, or Chinese), loaded whole: while the
    caller holds it, the domain's check of its id finds it in the session unasked."""
    if not name or not name.strip():
        return None
    name = name.strip()
    stmt = select(Category).where(
        or_(func.lower(Category.name) == name.lower(), Category.name_zh == name))
    return db.session.scalars(stmt).first()


def _category_id(name: str | None) -> int | None:
    category = _category(name)
    return category.id if category is not None else None


def _site_named(name: str | None):
    """The named site in the caller's scope (422 otherwise); none named: the caller's."""
    return site_in_scope(name) or g.api_user.site


def _customer_input(customer: schemas.CustomerIn | None) -> CustomerInput:
    if customer is None:
        raise ValidationFailed({"customer": CUSTOMER_NEEDED()})
    return CustomerInput(
        name=customer.name or "", phone=customer.phone or "", email=customer.email or "",
        tier=customer.tier or "standard", locale=customer.locale or None,
        staff_locale=current_locale(),
    )


def _new_ticket(body: schemas.NewTicketIn, category: Category | None) -> NewTicket:
    return NewTicket(
        site=_site_named(body.site),
        channel=body.channel or "",
        dimension=body.dimension or "",
        category_id=category.id if category is not None else None,
        severity=body.severity or "",
        description=body.description or "",
        desired_outcome=body.desired_outcome or "",
        booking_ref=body.booking_ref or "",
        is_safety=body.is_safety,
        customer=_customer_input(body.customer),
        own_now=body.own,
        ownership={"acknowledgement": body.acknowledgement or "",
                   "next_contact_by": body.next_contact_by},
    )


def _created(ticket) -> tuple:
    location = url_for("api.get_ticket", ref=ticket.ref)
    return ticket_detail(ticket), 201, {"Location": location}


@operation("POST", "/tickets", tag=TAG, summary="Open a ticket",
           permission="work_tickets", body=schemas.NewTicketIn,
           responses={201: schemas.TicketDetail, 200: schemas.TicketDetail},
           errors=(409,),
           headers={"Idempotency-Key": {
               "description": "Any unique string (at most 200 characters). The same key from "
                              "the same user (any of their tokens) within 24 hours answers "
                              "the ticket the first call opened (200) instead of opening "
                              "another; with a different body it is refused (422 "
                              "idempotency_key_reused); while the first call is still "
                              "being processed, 409.",
               "schema": {"type": "string", "maxLength": 200}}},
           answer_info={
               201: {"description": "Opened.",
                     "headers": {"Location": "The new ticket's URL."}},
               200: {"description": "Opened before by a call with the same Idempotency-Key.",
                     "headers": {"Idempotent-Replayed": "true"}}})
def create_ticket(body: schemas.NewTicketIn):
    """Open a ticket for a new or known customer (matched by phone or e-mail at the site).
    201 with the ticket and its `Location`; with an `Idempotency-Key` seen before, 200
    with the ticket the first call opened."""
    once = IdempotentCreate.begin(g.api_user, request.headers.get("Idempotency-Key"), body)
    if once.earlier_ticket is not None:
        return ticket_detail(once.earlier_ticket), 200, {"Idempotent-Replayed": "true"}
    category = _category(body.category)
    try:
        ticket = open_ticket(g.api_user, _new_ticket(body, category), utcnow())
    except ValidationFailed as failed:
        raise as_api_fields(failed) from None
    once.remember(ticket)
    return _created(ticket)


def _list_filters(query: TicketListQuery) -> queries.TicketFilters:
    site = site_in_scope(query.site)
    site_id = site.id if site is not None else None
    before = decode_cursor(query.cursor, "cursor") if query.cursor else None
    return queries.TicketFilters(
        overdue_at=utcnow() if query.overdue else None,
        status=query.status or "",
        dimension=query.dimension or "",
        severity=query.severity or "",
        channel=query.channel or "",
        owner=(query.owner or "").strip(),
        q=(query.q or "").strip(),
        site_id=site_id,
        updated_since=query.updated_since,
        before=before,
    )


@operation("GET", "/tickets", tag=TAG, summary="List tickets", permission="work_tickets",
           query=TicketListQuery, responses={200: schemas.TicketList})
def list_tickets(query: TicketListQuery):
    """Newest first. Walk by `page` (with `total`), or for a sync job by `cursor`: every
    answer's `next_cursor` (null on the last page) continues by keyset, at the same cost
    however deep (`page`, `total` and `pages` are then null). With `updated_since`, only
    tickets changed at or after that time: note when a walk started and pass that time
    next time."""
    zone = ZoneInfo(g.api_user.site.timezone)
    stmt = (queries.site_tickets(g.api_user, _list_filters(query), zone)
            .options(joinedload(Ticket.opened_by)))
    if query.cursor:
        per_page = per_page_or_default(query.per_page)
        rows, next_cursor = keyset_page(stmt, per_page, with_time=True)
        counts = no_counts(per_page)
    else:
        rows, counts = capped_offset_page(stmt, query.page, query.per_page)
        more = counts["page"] < counts["pages"] and rows
        next_cursor = cursor_after(rows[-1], with_time=True) if more else None
    return {"tickets": [ticket_summary(t) for t in rows], **counts, "next_cursor": next_cursor}


@operation("GET", "/tickets/<ref>", tag=TAG, summary="Read a ticket",
           permission="work_tickets", responses={200: schemas.TicketDetail})
def get_ticket(ref: str):
    """The ticket with its clocks, timeline, fix offers, follow-ups and attachments."""
    return ticket_detail(load_ticket(ref, g.api_user, with_history=True))


@operation("GET", "/tickets/<ref>/events", tag=TAG, summary="A ticket's timeline, by page",
           permission="work_tickets", query=EventListQuery,
           responses={200: schemas.EventList})
def list_events(ref: str, query: EventListQuery):
    """Oldest first; `next_cursor` walks on (null at the end)."""
    ticket = load_ticket(ref, g.api_user)
    after = decode_cursor(query.cursor, "cursor", with_time=False) if query.cursor else 0
    stmt = (select(TicketEvent).options(joinedload(TicketEvent.actor))
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.id > after)
            .order_by(TicketEvent.id))
    rows, next_cursor = keyset_page(stmt, per_page_or_default(query.per_page),
                                    with_time=False)
    return {"events": [event_json(row) for row in rows], "next_cursor": next_cursor}


@operation("POST", "/tickets/<ref>/attachments", tag=WORKFLOW_TAG,
           summary="Attach a photo or PDF", permission="work_tickets",
           body=schemas.AttachmentUpload, body_media="multipart/form-data",
           responses={201: schemas.TicketDetail}, errors=(400, 403, 409, 413, 422))
def add_attachment(ref: str):
    """Multipart upload: `file` (a photo or PDF, checked by its bytes), optional `note` and
    `version`. 201 with the ticket."""
    ticket = load_ticket(ref, g.api_user)
    upload = request.files.get("file")
    data = {
        "content": upload.read() if upload is not None else b"",
        "file_name": upload.filename if upload is not None else "",
        "note": request.form.get("note", ""),
    }
    raw_version = request.form.get("version", "")
    version = _form_version(raw_version) if raw_version.strip() else None
    try:
        perform(ticket, "add_attachment", g.api_user, data, version=version, now=utcnow())
    except ValidationFailed as failed:
        raise as_api_fields(failed) from None
    return ticket_detail(load_ticket(ref, g.api_user, with_history=True)), 201


def _form_version(raw: str) -> int:
    try:
        return inputs.parse_int(raw)
    except inputs.InputError as refused:
        raise ValidationFailed({"version": refused.reason}) from None


@operation("GET", "/tickets/<ref>/attachments/<int:attachment_id>", tag=TAG,
           summary="Download an attachment", permission="work_tickets",
           responses={200: ATTACHMENT_TYPES})
def get_attachment(ref: str, attachment_id: int):
    """The attachment's bytes, with its checked content type."""
    ticket = load_ticket(ref, g.api_user)
    found = find_attachment(ticket, attachment_id)
    if found is None:
        raise ApiError(404, "not_found", _l("No such attachment on this ticket."))
    return send_file(path_of(found.storage_key), mimetype=found.content_type,
                     download_name=found.file_name, as_attachment=True, max_age=0)


def _action_data(entry: Entry, body: schemas.RequestBody) -> dict:
    data = body.model_dump(exclude={"version"})
    prevention = data.pop("prevention", None) or {}
    if "prevention" in type(body).model_fields:
        data.update(prevention_action=prevention.get("action") or "",
                    prevention_owner=prevention.get("owner") or "",
                    prevention_due=prevention.get("due"))
    if "category" in data:
        data["category_id"] = _category_id(data.pop("category"))
    return data


def _version(entry: Entry, body: schemas.RequestBody) -> int | None:
    if body.version is None and not entry.version_optional:
        raise ValidationFailed({"version": VERSION_NEEDED()})
    return body.version


def _action_view(entry: Entry):
    def take_step(ref: str, body):
        ticket = load_ticket(ref, g.api_user)
        version = _version(entry, body)
        try:
            perform(ticket, entry.action, g.api_user, _action_data(entry, body),
                    version=version, now=utcnow())
        except ValidationFailed as failed:
            raise as_api_fields(failed) from None
        return ticket_detail(load_ticket(ref, g.api_user, with_history=True))

    take_step.__name__ = "action_" + entry.api_verb.replace("-", "_")
    take_step.__doc__ = (
        f"{entry.label}. Who may, in which state: the workflow's rule for this step; a "
        "refusal for who you are (role, relation to the ticket) is 403, one for the "
        "ticket's state or a stale `version` is 409. 200 with the ticket.")
    return take_step


def _register_actions() -> None:
    for entry in ENTRIES:
        if entry.api_media != "json":
            continue
        operation("POST", f"/tickets/<ref>/{entry.api_verb}", tag=WORKFLOW_TAG,
                  summary=str(entry.button), permission="work_tickets",
                  body=ACTION_BODIES[entry.api_verb],
                  responses={200: schemas.TicketDetail}, errors=(403, 409))(
            _action_view(entry))


_register_actions()
