"""Customer endpoints: search, create, read, edit. The rules are the web's
(`customers.services`): the same matching, the same checks, the same re-timing of open
tickets when a tier changes."""

from dataclasses import replace

from flask import abort, g, url_for
from sqlalchemy.orm import joinedload

from api.cursors import (
    cursor_after,
    decode_cursor,
    keyset_page,
    no_counts,
    offset_page,
    per_page_or_default,
)
from api.discovery import site_in_scope
from api.schemas.discovery import (
    CustomerList,
    CustomerOut,
    CustomerPatchIn,
    CustomerQuery,
    NewCustomerIn,
)
from api.spec import operation
from auth.permissions import in_site_scope, visible_site_ids
from core.clock import utcnow
from core.formatting import current_locale
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from customers.models import Customer
from customers.services import (
    CustomerInput,
    find_or_create_customer,
    matching_customers,
    preferred_owner_named,
    recent_ticket_counts,
    repeat_complainants,
    ticket_counts,
    update_customer,
)
from extensions import db
from representations.tickets import iso

TAG = "Customers"
SHORT_QUERY = define("api.short_query", N_("Search with at least 2 characters."))
CURSOR_WITH_QUERY = define("api.cursor_with_query", N_(
    "A cursor walks the list without `q`; page through a search with `page`."))
CLEARABLE = ("phone", "email", "notes")


def customers_json(customers: list[Customer]) -> list[dict]:
    """Each customer with their ticket counts and the repeat-complainant rule's verdict
    (three queries for the whole page)."""
    ids, now = [customer.id for customer in customers], utcnow()
    every, recent = ticket_counts(ids), recent_ticket_counts(ids, now)
    repeating = repeat_complainants(ids, now)
    return [
        {
            "id": customer.id,
            "site": customer.site.name,
            "name": customer.name,
            "phone": customer.phone,
            "email": customer.email,
            "tier": customer.tier,
            "locale": customer.locale,
            "notes": customer.notes or "",
            "preferred_owner": (customer.preferred_owner.username
                                if customer.preferred_owner else None),
            "tickets": every.get(customer.id, 0),
            "tickets_90_days": recent.get(customer.id, 0),
            "repeat_complainant": customer.id in repeating,
            "created_at": iso(customer.created_at),
            "erased_at": iso(customer.erased_at),
        }
        for customer in customers
    ]


def customer_json(customer: Customer) -> dict:
    return customers_json([customer])[0]


def _filtered(query: CustomerQuery):
    site = site_in_scope(query.site)
    site_ids = [site.id] if site is not None else visible_site_ids(g.api_user)
    text = (query.q or "").strip()
    if 0 < len(text) < 2:
        raise ValidationFailed({"q": SHORT_QUERY()})
    if text and query.cursor is not None:
        raise ValidationFailed({"cursor": CURSOR_WITH_QUERY()})
    stmt = matching_customers(site_ids, query=text, phone=(query.phone or "").strip(),
                              email=(query.email or "").strip())
    return stmt.options(joinedload(Customer.site), joinedload(Customer.preferred_owner))


@operation("GET", "/customers", tag=TAG, summary="Find customers",
           permission="work_tickets", query=CustomerQuery, responses={200: CustomerList})
def list_customers(query: CustomerQuery):
    """Customers of your sites (or of `site`), with their ticket history count, tier,
    language and preferred owner. `q` searches as the staff type-ahead does, best matches
    first, by `page`; `phone` and `email` match exactly (the rule that links a new ticket
    to a known customer). Without `q`, oldest first: walk by `page` (with `total`) or by
    `cursor` (keyset: constant cost however deep)."""
    stmt, searching = _filtered(query), bool((query.q or "").strip())
    if query.cursor is not None:
        after = decode_cursor(query.cursor, "cursor", with_time=False) if query.cursor else 0
        per_page = per_page_or_default(query.per_page)
        rows, next_cursor = keyset_page(stmt.where(Customer.id > after), per_page,
                                        with_time=False)
        counts = no_counts(per_page)
    else:
        rows, counts = offset_page(stmt, query.page, query.per_page)
        more = not searching and counts["page"] < counts["pages"] and rows
        next_cursor = cursor_after(rows[-1], with_time=False) if more else None
    return {"customers": customers_json(rows), **counts, "next_cursor": next_cursor}


def _new_customer_input(body: NewCustomerIn, site_id: int) -> CustomerInput:
    return CustomerInput(
        name=body.name or "", phone=body.phone or "", email=body.email or "",
        tier=body.tier or "standard", notes=body.notes or "", locale=body.locale or None,
        staff_locale=current_locale(),
        preferred_owner=preferred_owner_named(site_id, body.preferred_owner),
    )


@operation("POST", "/customers", tag=TAG, summary="Add a customer",
           permission="work_tickets", body=NewCustomerIn,
           responses={201: CustomerOut, 200: CustomerOut})
def add_customer(body: NewCustomerIn):
    """At `site` (default: yours). When the site already has a customer with the same
    phone digits or e-mail address (the rule ticket intake matches by), no second one is
    made: 200 with that customer, unchanged. Otherwise 201 with the new customer and its
    `Location`. Their language, when not given, is yours. A `preferred_owner` who is not
    an active colleague at the site is a 422 either way."""
    site = site_in_scope(body.site) or g.api_user.site
    customer, created = find_or_create_customer(site.id, _new_customer_input(body, site.id))
    location = url_for("api.get_customer", customer_id=customer.id)
    return customer_json(customer), 201 if created else 200, {"Location": location}


def _load(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None or not in_site_scope(g.api_user, customer.site_id):
        abort(404)
    return customer


@operation("GET", "/customers/<int:customer_id>", tag=TAG, summary="Read a customer",
           permission="work_tickets", responses={200: CustomerOut})
def get_customer(customer_id: int):
    """A customer of another site is a 404. An erased customer keeps their tier and
    history; name, phone, e-mail and notes are gone (`erased_at` says when)."""
    return customer_json(_load(customer_id))


def _patched(customer: Customer, body: CustomerPatchIn) -> CustomerInput:
    sent = body.model_fields_set
    current = CustomerInput(
        name=customer.name, phone=customer.phone or "", email=customer.email or "",
        tier=customer.tier, notes=customer.notes or "", locale=customer.locale,
        preferred_owner=customer.preferred_owner,
    )
    changes = {name: getattr(body, name) or "" for name in CLEARABLE if name in sent}
    changes |= {name: getattr(body, name) for name in ("name", "tier", "locale")
                if name in sent and getattr(body, name) is not None}
    if "preferred_owner" in sent:
        changes["preferred_owner"] = preferred_owner_named(customer.site_id,
                                                           body.preferred_owner)
    return replace(current, **changes)


@operation("PATCH", "/customers/<int:customer_id>", tag=TAG, summary="Edit a customer",
           permission="work_tickets", body=CustomerPatchIn, responses={200: CustomerOut})
def patch_customer(customer_id: int, body: CustomerPatchIn):
    """Change only the members sent, with the web edit's checks (a name, a phone or an
    e-mail address, a known tier and language). A new tier re-times the customer's open
    tickets' SLA clocks (audited on each ticket), as on the web. Customers have no
    `version`: the last edit wins."""
    customer = _load(customer_id)
    update_customer(customer, _patched(customer, body), actor=g.api_user, now=utcnow())
    return customer_json(customer)
