"""Finding tickets and customers from the top bar's one box, within the user's sites.

Every search is bounded: the text is at most MAX_QUERY characters, each kind of result is
capped, and what is typed is matched literally (LIKE wildcards escaped by the queries it
uses: tickets.queries.matching, customers.services.search_customers).
"""

from dataclasses import dataclass, field

from sqlalchemy import case

from auth.models import User
from auth.permissions import visible_site_ids
from core.inputs import InputError, clean_text
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from customers.models import Customer
from customers.services import search_customers
from extensions import db
from tickets import queries
from tickets.models import REF_PREFIX, Ticket, parse_ref

MAX_QUERY = 100
TICKET_LIMIT = 50
CUSTOMER_LIMIT = 10

BAD_QUERY = define(
    "search.bad_query",
    N_("Search with at most %(limit)s characters, without NUL bytes or broken characters."))


@dataclass
class Found:
    """What one search found: tickets newest first (the one whose reference was typed
    first of all), customers best match first; `more_tickets` when the cap cut the list."""

    query: str
    tickets: list[Ticket] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    more_tickets: bool = False


def cleaned_query(raw) -> str:
    """The text to search for; ValidationFailed (field `q`) when it is too long or holds NUL
    or broken characters."""
    try:
        return clean_text(raw, max_length=MAX_QUERY)
    except InputError:
        raise ValidationFailed({"q": BAD_QUERY(limit=MAX_QUERY)}) from None


def typed_reference(text: str) -> int | None:
    """The ticket id when `text` is a full reference with its prefix (SR-000123): the one
    ticket the person means, whatever else the text might match."""
    if not text.upper().startswith(REF_PREFIX):
        return None
    return parse_ref(text)


def find(user: User, text: str) -> Found:
    """Tickets and customers of the user's sites that `text` (already cleaned) finds; nothing
    for an empty text. Two queries at most."""
    found = Found(query=text)
    if not text:
        return found
    ticket_id = parse_ref(text)
    first = (case((Ticket.id == ticket_id, 0), else_=1),) if ticket_id is not None else ()
    stmt = (queries.matching(queries.base_query(user), text)
            .order_by(*first, Ticket.created_at.desc(), Ticket.id.desc())
            .limit(TICKET_LIMIT + 1))
    tickets = db.session.scalars(stmt).unique().all()
    found.tickets, found.more_tickets = tickets[:TICKET_LIMIT], len(tickets) > TICKET_LIMIT
    found.customers = search_customers(visible_site_ids(user), text, limit=CUSTOMER_LIMIT)
    return found
