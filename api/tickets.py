"""Ticket endpoints: create, list, read, and one POST per workflow action."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request, send_file, url_for
from sqlalchemy import func, select

from api.base import BadRequest, api_permission, bp, json_body
from api.serializers import ticket_detail, ticket_summary
from auth.permissions import in_site_scope
from core import inputs
from core.clock import utcnow
from core.errors import json_error
from core.validation import ValidationFailed
from customers.services import CustomerInput
from extensions import db
from sites.services import find_site
from tickets import labels, queries
from tickets.access import load_ticket
from tickets.actions import perform
from tickets.attachments import find_attachment, path_of
from tickets.intake import NewTicket, open_ticket
from tickets.models import Category
from tickets.registry import BY_API_VERB, Entry

DATETIME_FIELDS = ("next_contact_by", "committed_by")
CUSTOMER_FIELDS = ("name", "phone", "email", "tier", "locale")
MAX_QUERY = 100


def _malformed(label: str, reason: str) -> BadRequest:
    return BadRequest(f"'{label}' {reason}.", {label: reason})


def _text(body: dict, name: str, *, path: str = "") -> str:
    """A JSON string (absent or null: ""); any other type is a 400 naming the field as it
    stands in the body (`path`, e.g. customer.phone). Length and characters are the
    domain's to check (through core.inputs)."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _malformed(path or name, "must be a string")
    return value


def _datetimes(body: dict) -> dict:
    """ISO 8601 strings with an offset as aware UTC; the promise window is the domain's."""
    data = dict(body)
    errors = {}
    for name in DATETIME_FIELDS:
        value = data.get(name)
        if value in (None, ""):
            data[name] = None
            continue
        if not isinstance(value, str):
            raise _malformed(name, "must be an ISO 8601 string")
        try:
            data[name] = inputs.parse_moment(value)
        except inputs.InputError as refused:
            errors[name] = refused.reason
    if errors:
        raise ValidationFailed(errors)
    return data


API_FIELD_NAMES = {
    "category_id": "category",
    "customer_id": "customer",
    "customer_name": "customer.name",
    "customer_phone": "customer.phone",
    "customer_email": "customer.email",
    "customer_tier": "customer.tier",
    "customer_locale": "customer.locale",
    "ownership.acknowledgement": "acknowledgement",
    "prevention_action": "prevention.action",
    "prevention_owner": "prevention.owner",
    "prevention_due": "prevention.due",
}


def _as_api_fields(failed: ValidationFailed) -> ValidationFailed:
    """The domain's field names renamed to the names of the JSON body."""
    return ValidationFailed({API_FIELD_NAMES.get(k, k): v for k, v in failed.fields.items()})


def _flag(body: dict, name: str) -> bool:
    """A JSON boolean (absent: false); anything else is a malformed request."""
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise _malformed(name, "must be true or false")
    return value


def _site_for(body: dict):
    user = g.api_user
    name = _text(body, "site")
    site = find_site(name) if name else user.site
    if site is None or not in_site_scope(user, site.id):
        raise ValidationFailed({"site": f"No site called '{name[:80]}' that you may work at."})
    return site


def _customer_input(body: dict) -> CustomerInput:
    customer = body.get("customer")
    if not isinstance(customer, dict):
        raise ValidationFailed({"customer": "Give the customer as an object with a name."})
    given = {name: _text(customer, name, path=f"customer.{name}") for name in CUSTOMER_FIELDS}
    return CustomerInput(
        name=given["name"], phone=given["phone"], email=given["email"],
        tier=given["tier"] or "standard", locale=given["locale"] or None,
        staff_locale=g.api_user.locale,
    )


def _category_id(name: str) -> int | None:
    stmt = select(Category.id).where(func.lower(Category.name) == name.strip().lower())
    return db.session.scalar(stmt)


def _new_ticket(body: dict) -> NewTicket:
    site = _site_for(body)
    customer = _customer_input(body)
    data = _datetimes(body)
    return NewTicket(
        site=site,
        channel=_text(body, "channel"),
        dimension=_text(body, "dimension"),
        category_id=_category_id(_text(body, "category")),
        severity=_text(body, "severity"),
        description=_text(body, "description"),
        desired_outcome=_text(body, "desired_outcome"),
        booking_ref=_text(body, "booking_ref"),
        is_safety=_flag(body, "is_safety"),
        customer=customer,
        own_now=_flag(body, "own"),
        ownership={
            "acknowledgement": _text(body, "acknowledgement"),
            "next_contact_by": data["next_contact_by"],
        },
    )


@bp.post("/tickets")
@api_permission("work_tickets")
def create_ticket():
    try:
        ticket = open_ticket(g.api_user, _new_ticket(json_body()), utcnow())
    except ValidationFailed as failed:
        raise _as_api_fields(failed) from None
    response = jsonify(ticket_detail(ticket))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_ticket", ref=ticket.ref)
    return response


def _list_filters() -> queries.TicketFilters:
    args = request.args
    for name, allowed in (
        ("status", labels.STATUS_LABELS),
        ("dimension", labels.DIMENSION_LABELS),
        ("severity", labels.SEVERITY_LABELS),
    ):
        if args.get(name) and args[name] not in allowed:
            raise ValidationFailed({name: f"Unknown {name} '{args[name][:40]}'."})
    overdue_flag = args.get("overdue", "").strip().lower()
    if overdue_flag not in ("", "true", "false"):
        raise ValidationFailed({"overdue": "Use overdue=true or overdue=false."})
    return queries.TicketFilters(
        overdue_at=utcnow() if overdue_flag == "true" else None,
        status=args.get("status", ""),
        dimension=args.get("dimension", ""),
        severity=args.get("severity", ""),
        owner=args.get("owner", "").strip()[:40],
        q=args.get("q", "").strip()[:MAX_QUERY],
    )


def _paging() -> tuple[int, int]:
    """`page` (1..2,147,483,647) and `per_page` (1..100); 422 naming the one that is not."""
    limits = (("page", inputs.INT32_MAX, 1),
              ("per_page", inputs.MAX_PER_PAGE, current_app.config["PAGE_SIZE"]))
    values, errors = {}, {}
    for name, high, default in limits:
        try:
            values[name] = inputs.optional_int(request.args, name, high=high) or default
        except inputs.InputError as refused:
            errors[name] = refused.reason
    if errors:
        raise ValidationFailed(errors)
    return values["page"], values["per_page"]


@bp.get("/tickets")
@api_permission("work_tickets")
def list_tickets():
    page, per_page = _paging()
    stmt = queries.site_tickets(g.api_user, _list_filters(), ZoneInfo(g.api_user.site.timezone))
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return jsonify(
        tickets=[ticket_summary(t) for t in pagination.items],
        page=page,
        per_page=per_page,
        total=pagination.total,
        pages=pagination.pages,
    )


@bp.get("/tickets/<ref>")
@api_permission("work_tickets")
def get_ticket(ref: str):
    return jsonify(ticket_detail(load_ticket(ref, g.api_user, with_history=True)))


def _version_value(value) -> int:
    try:
        return inputs.parse_int(value)
    except inputs.InputError:
        raise _malformed("version", f"must be an integer from 1 to {inputs.INT32_MAX}") from None


def _version(body: dict, entry: Entry) -> int | None:
    version = body.get("version")
    if version is None:
        if entry.version_optional:
            return None
        raise ValidationFailed({"version": "Send the version of the ticket you saw."})
    if isinstance(version, str):
        raise _malformed("version", "must be an integer")
    return _version_value(version)


def _flatten(body: dict) -> dict:
    """Money as a decimal string; `prevention: {action, owner, due}` as flat fields."""
    amount = body.get("compensation")
    if isinstance(amount, int | Decimal) and not isinstance(amount, bool):
        body["compensation"] = str(amount)
    prevention = body.pop("prevention", None)
    if prevention is None:
        return body
    if not isinstance(prevention, dict):
        raise _malformed("prevention", "must be an object with action, owner and due")
    body["prevention_action"] = prevention.get("action", "")
    body["prevention_owner"] = prevention.get("owner", "")
    due = prevention.get("due")
    try:
        body["prevention_due"] = inputs.parse_day(due) if due not in (None, "") else None
    except inputs.InputError as refused:
        raise ValidationFailed({"prevention.due": refused.reason}) from None
    return body


@bp.post("/tickets/<ref>/attachments")
@api_permission("work_tickets")
def add_attachment(ref: str):
    """Multipart upload: `file` (a photo or PDF), optional `note` and `version`."""
    ticket = load_ticket(ref, g.api_user)
    upload = request.files.get("file")
    data = {
        "content": upload.read() if upload is not None else b"",
        "file_name": upload.filename if upload is not None else "",
        "note": request.form.get("note", ""),
    }
    raw_version = request.form.get("version", "")
    version = _version_value(raw_version) if raw_version.strip() else None
    try:
        perform(ticket, "add_attachment", g.api_user, data, version=version, now=utcnow())
    except ValidationFailed as failed:
        raise _as_api_fields(failed) from None
    response = jsonify(ticket_detail(load_ticket(ref, g.api_user, with_history=True)))
    response.status_code = 201
    return response


@bp.get("/tickets/<ref>/attachments/<int:attachment_id>")
@api_permission("work_tickets")
def get_attachment(ref: str, attachment_id: int):
    """The attachment's bytes, with its checked content type."""
    ticket = load_ticket(ref, g.api_user)
    found = find_attachment(ticket, attachment_id)
    if found is None:
        return json_error(404, "No such attachment on this ticket.")
    return send_file(path_of(found.storage_key), mimetype=found.content_type,
                     download_name=found.file_name, as_attachment=True, max_age=0)


@bp.post("/tickets/<ref>/<verb>")
@api_permission("work_tickets")
def ticket_action(ref: str, verb: str):
    entry = BY_API_VERB.get(verb)
    if entry is None or entry.api_media != "json":
        return json_error(404, f"No ticket action '{verb[:40]}'.")
    ticket = load_ticket(ref, g.api_user)
    body = json_body()
    version = _version(body, entry)
    data = _datetimes(_flatten({k: v for k, v in body.items() if k != "version"}))
    if entry.action in ("reclassify", "own"):
        data["category_id"] = _category_id(_text(body, "category"))
    try:
        perform(ticket, entry.action, g.api_user, data, version=version, now=utcnow())
    except ValidationFailed as failed:
        raise _as_api_fields(failed) from None
    return jsonify(ticket_detail(load_ticket(ref, g.api_user, with_history=True)))
