"""Finding and creating customers; repeat-complainant checks.

Customers sit below tickets and the SLA code: nothing here imports them. A tier change is
announced with `customers.signals.tier_changed`; ticket counts read the tickets table by
name. Services flush; the transaction boundary (core.transaction) commits.
"""

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, false, func, or_, select

from auth.models import User
from core.inputs import InputError, clean_text, email_address
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from customers.models import LOCALES, TIERS, Customer, customer_search
from customers.signals import tier_changed
from extensions import db

REPEAT_WINDOW = timedelta(days=90)
SEARCH_LIMIT = 10
MAX_QUERY = 100
TRIGRAM = 3  # characters: the shortest needle a trigram index (either database) can serve
CUSTOMER_LIMITS = {"name": 120, "phone": 40, "email": 254, "notes": 5000}
DEFAULT_LOCALE = "en"
NAME_REQUIRED = define("customer.name_required", N_("The customer's name is required."))
BAD_PHONE = define("customer.bad_phone", N_("A phone number has 5 to 20 digits."))
NO_CONTACT = define("customer.no_contact",
                    N_("Give a phone number or an e-mail address (or both)."))
UNKNOWN_TIER = define("customer.unknown_tier",
                      N_("Choose a tier: standard, key or vip."))
UNKNOWN_LOCALE = define("customer.unknown_locale", N_("Choose English (en) or Chinese (zh_Hans)."))
UNKNOWN_OWNER = define("customer.unknown_preferred_owner", N_(
    "No active colleague called '%(name)s' at the customer's site."))


@dataclass
class CustomerInput:
    """A customer's details as staff typed them (web form) or a client sent them (API).

    `locale` is the customer's own choice of language, None when they made none;
    `staff_locale` is the language of the staff member entering the customer. A new
    customer gets their own choice, else the staff member's language (see
    `customer_locale`).
    """

    name: str
    phone: str = ""
    email: str = ""
    tier: str = "standard"
    notes: str = ""
    preferred_owner: User | None = None
    locale: str | None = None
    staff_locale: str | None = None


def phone_digits(phone: str) -> str:
    """The number's digits as ASCII 0-9, for matching: decimal digits of any script count
    (full-width "１３８" is "138"), everything else ("²", spaces, "+") is dropped."""
    found = (unicodedata.decimal(char, None) for char in phone or "")
    return "".join(str(value) for value in found if value is not None)


def customer_locale(chosen: str | None, staff_locale: str | None) -> str:
    """The language of a new customer's surveys and mail: their own choice, else the
    language of the staff member who opens the ticket, else English. Only the customer's
    choice is checked (by `clean_customer_input`); a staff language customers cannot get
    falls back to English."""
    if chosen:
        return chosen
    return staff_locale if staff_locale in LOCALES else DEFAULT_LOCALE


def _usable(value, limit: int) -> str:
    """`value` as text to match on; "" when the input layer would refuse it."""
    try:
        return clean_text(value, max_length=limit)
    except InputError:
        return ""


def find_existing_customer(site_id: int, phone: str | None, email: str | None
                           ) -> Customer | None:
    """The site's customer with the same phone digits or the same e-mail (ignoring case),
    the oldest when several match; None when neither is given or nobody matches. The one
    rule for staff intake, on the web and through the API."""
    conditions = []
    digits = phone_digits(_usable(phone, CUSTOMER_LIMITS["phone"]))
    if digits:
        conditions.append(Customer.phone_digits == digits)
    address = _usable(email, CUSTOMER_LIMITS["email"]).lower()
    if address:
        conditions.append(func.lower(Customer.email) == address)
    if not conditions:
        return None
    stmt = (
        select(Customer)
        .where(Customer.site_id == site_id, or_(*conditions))
        .order_by(Customer.id)
        .limit(1)
    )
    return db.session.scalar(stmt)


def _clean_texts(data: CustomerInput, prefix: str, errors: dict) -> dict:
    """Name, phone, e-mail and notes through the input layer (types, NUL, length)."""
    cleaned = {}
    for name, limit in CUSTOMER_LIMITS.items():
        try:
            cleaned[name] = clean_text(getattr(data, name), max_length=limit)
        except InputError as refused:
            errors[f"{prefix}{name}"] = refused.reason
            cleaned[name] = ""
    return cleaned


def clean_customer_input(data: CustomerInput, prefix: str = "") -> dict:
    """Validate a customer's details; field names get `prefix` (e.g. 'customer_')."""
    errors: dict[str, str] = {}
    cleaned = _clean_texts(data, prefix, errors)
    cleaned["tier"] = data.tier or "standard"
    cleaned["locale"] = customer_locale(data.locale, data.staff_locale)
    if not cleaned["name"]:
        errors.setdefault(f"{prefix}name", NAME_REQUIRED())
    email = cleaned["email"]
    if email:
        try:
            email = email_address(email)
        except InputError as refused:
            errors[f"{prefix}email"] = refused.reason
    cleaned["email"] = email or None
    if cleaned["phone"] and not 5 <= len(phone_digits(cleaned["phone"])) <= 20:
        errors[f"{prefix}phone"] = BAD_PHONE()
    if not cleaned["phone"] and not email:
        errors.setdefault(f"{prefix}phone", NO_CONTACT())
    if cleaned["tier"] not in TIERS:
        errors[f"{prefix}tier"] = UNKNOWN_TIER()
    if cleaned["locale"] not in LOCALES:
        errors[f"{prefix}locale"] = UNKNOWN_LOCALE()
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def name_key(name: str) -> str:
    """The lower-cased name searches compare (cut to the column's 120 characters: lower-casing
    may lengthen a name)."""
    return name.lower()[:120]


def preferred_owner_named(site_id: int, username: str | None) -> User | None:
    """The customer's preferred owner by username (ignoring case): an active colleague of
    the customer's site, the people the edit form offers; None for no name."""
    name = _usable(username, 40)
    if not name:
        return None
    stmt = select(User).where(func.lower(User.username) == name.lower(),
                              User.site_id == site_id, User.active.is_(True))
    user = db.session.scalar(stmt)
    if user is None:
        raise ValidationFailed({"preferred_owner": UNKNOWN_OWNER(name=name)})
    return user


def create_customer(site_id: int, data: CustomerInput, prefix: str = "") -> Customer:
    """Add a customer to the site (flushed). Its language is `customer_locale`'s choice."""
    cleaned = clean_customer_input(data, prefix)
    customer = Customer(
        site_id=site_id,
        name=cleaned["name"],
        name_key=name_key(cleaned["name"]),
        phone=cleaned["phone"] or None,
        phone_digits=phone_digits(cleaned["phone"]) or None,
        email=cleaned["email"],
        tier=cleaned["tier"],
        notes=cleaned["notes"],
        preferred_owner=data.preferred_owner,
        locale=cleaned["locale"],
    )
    db.session.add(customer)
    db.session.flush()
    return customer


def find_or_create_customer(site_id: int, data: CustomerInput) -> tuple[Customer, bool]:
    """The site's customer with the same phone digits or e-mail (`find_existing_customer`),
    left unchanged, else a new one from `data` (checked by `clean_customer_input`).
    Returns the customer and whether it was created."""
    known = find_existing_customer(site_id, data.phone, data.email)
    if known is not None:
        return known, False
    return create_customer(site_id, data), True


def update_customer(
    customer: Customer, data: CustomerInput, *, actor: User | None, now: datetime
) -> Customer:
    """Save the customer's details (a `locale` of None keeps theirs). A new tier sends
    `tier_changed`, whose receiver re-times their open tickets' SLA clocks."""
    if data.locale is None:
        data = replace(data, locale=customer.locale)
    cleaned = clean_customer_input(data)
    new_tier = cleaned["tier"] != customer.tier
    customer.name = cleaned["name"]
    customer.name_key = name_key(cleaned["name"])
    customer.phone = cleaned["phone"] or None
    customer.phone_digits = phone_digits(cleaned["phone"]) or None
    customer.email = cleaned["email"]
    customer.tier = cleaned["tier"]
    customer.notes = cleaned["notes"]
    customer.locale = cleaned["locale"]
    customer.preferred_owner = data.preferred_owner
    db.session.flush()
    if new_tier:
        tier_changed.send(customer, actor=actor, now=now)
    return customer


def _name_rank(needle: str):
    """0: the name starts with `needle`; 1: a later word does; 2: it appears inside a word."""
    return case(
        (Customer.name_key.startswith(needle, autoescape=True), 0),
        (Customer.name_key.contains(" " + needle, autoescape=True), 1),
        else_=2,
    )


def escape_like(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '\\': its wildcards match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class CustomerMatch:
    """A search's rules in SQL: `condition`, the customers that match (the same rows on
    both databases), and `order`, best matches first. On SQLite, `index_query` is the FTS5
    query (customers.models: `customers_search`) whose rows hold every match; None on
    PostgreSQL, whose trigram indexes serve `condition` itself, and for needles under 3
    characters, which have no trigram."""

    condition: ColumnElement[bool]
    order: tuple
    index_query: str | None = None

    def applied_to(self, stmt: Select) -> Select:
        """`stmt` (of customers) narrowed to the matching customers.

        With an `index_query`, the FTS5 table's rows come first and each customer is looked
        up by its id (a join: SQLite reads the FTS5 table first even without statistics,
        where `id IN (subquery)` would read a site's customers by `site_id`). The index
        finds a superset — it folds the case of every letter, SQLite's LIKE only of ASCII
        letters — so `condition` still decides, and the rows are exactly those without it."""
        if self.index_query is not None:
            stmt = (stmt.join(customer_search, customer_search.c.rowid == Customer.id)
                    .where(customer_search.c.customers_search.match(self.index_query)))
        return stmt.where(self.condition)


def _fts_string(text: str) -> str:
    """`text` as an FTS5 string: every character in it stands for itself."""
    return '"' + text.replace('"', '""') + '"'


def search_index_query(needle: str, digits: str) -> str | None:
    """The FTS5 query of the rows whose name contains `needle`, whose e-mail starts with
    it or whose phone digits start with `digits` ("": none), each ignoring the case of
    every letter; None when `needle` is under 3 characters (a trigram finds nothing
    shorter). A search's digits are never longer than its needle."""
    if len(needle) < TRIGRAM:
        return None
    terms = [f"name_key : {_fts_string(needle)}", f"email : ^ {_fts_string(needle)}"]
    if digits:
        terms.append(f"phone_digits : ^ {_fts_string(digits)}")
    return " OR ".join(terms)


def _on_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def _match_query(query: str) -> CustomerMatch | None:
    """The name or e-mail condition of a search and its ranking (None when the query is
    under 2 characters, over MAX_QUERY, or holds NUL or broken characters).

    Each condition compares a raw column, as its trigram index holds it (customers.models):
    on PostgreSQL the planner combines the three indexes (from 3 characters on; shorter
    needles have no trigram and read the table). The e-mail is matched with ILIKE, which
    PostgreSQL's trigram index serves as it is (SQLite: lower(email) LIKE lower(...)), the
    same rows as lower(email) LIKE the lower-cased prefix. On SQLite the FTS5 trigram table
    finds the candidates (`CustomerMatch.index_query`); shorter needles read the customers
    table there too."""
    query = _usable(query, MAX_QUERY)
    if len(query) < 2:
        return None
    needle = query.lower()
    conditions = [
        Customer.name_key.contains(needle, autoescape=True),
        Customer.email.ilike(f"{escape_like(needle)}%", escape="\\"),
    ]
    digits = phone_digits(query)
    if len(digits) >= 3:
        conditions.append(Customer.phone_digits.startswith(digits, autoescape=True))
    else:
        digits = ""
    index_query = search_index_query(needle, digits) if _on_sqlite() else None
    return CustomerMatch(or_(*conditions), (_name_rank(needle), Customer.name_key, Customer.id),
                         index_query)


def matching_customers(site_ids: list[int] | None, *, query: str = "", phone: str = "",
                       email: str = "") -> Select:
    """The SELECT of the customers of `site_ids` (None: every site) that match every filter
    given: `query` by the rules of `search_customers` (best matches first), `phone` by the
    same digits and `email` ignoring case (the rules `find_existing_customer` matches by).
    Without `query` they come oldest first (by id). A filter that cannot match (a query
    `search_customers` finds nothing for, a phone without digits) matches nobody."""
    stmt, order = select(Customer), (Customer.id,)
    if site_ids is not None:
        stmt = stmt.where(Customer.site_id.in_(site_ids))
    if query:
        matched = _match_query(query)
        if matched is None:
            return stmt.where(false())
        stmt, order = matched.applied_to(stmt), matched.order
    if phone:
        digits = phone_digits(_usable(phone, CUSTOMER_LIMITS["phone"]))
        stmt = stmt.where(Customer.phone_digits == digits if digits else false())
    if email:
        address = _usable(email, CUSTOMER_LIMITS["email"]).lower()
        stmt = stmt.where(func.lower(Customer.email) == address if address else false())
    return stmt.order_by(*order)


def search_customers(site_ids: list[int] | None, query: str, limit: int = SEARCH_LIMIT):
    """Customers of `site_ids` (None: every site) matching `query`, best matches first.

    Rules (the same on SQLite and PostgreSQL): a name matches when it contains the query
    anywhere, ignoring case (so "wang" finds "Li Wang"); names that start with it come first,
    then names with a word that starts with it. An e-mail matches by prefix, ignoring case;
    a phone by the prefix of its digits (3 digits at least). Queries under 2 characters,
    over MAX_QUERY, or holding NUL or broken characters find nothing.
    """
    if _match_query(query) is None:
        return []
    stmt = matching_customers(site_ids, query=query).limit(limit)
    return db.session.scalars(stmt).all()


def _tickets_table():
    """The tickets table, by name: its model (tickets.models) sits above customers."""
    return db.metadata.tables["tickets"]


def ticket_counts(customer_ids: list[int], since: datetime | None = None
                  ) -> dict[int, int]:
    """Tickets per customer of `customer_ids` (one query), all of them or those opened at
    or after `since`; customers without any are left out."""
    if not customer_ids:
        return {}
    tickets = _tickets_table()
    stmt = (
        select(tickets.c.customer_id, func.count(tickets.c.id))
        .where(tickets.c.customer_id.in_(customer_ids))
        .group_by(tickets.c.customer_id)
    )
    if since is not None:
        stmt = stmt.where(tickets.c.created_at >= since)
    return dict(db.session.execute(stmt).tuples().all())


def recent_ticket_counts(customer_ids: list[int], now: datetime) -> dict[int, int]:
    """Tickets opened in the last 90 days per customer of `customer_ids` (one query);
    customers without any are left out."""
    return ticket_counts(customer_ids, since=now - REPEAT_WINDOW)


def repeat_complainants(customer_ids: list[int], now: datetime) -> set[int]:
    """Those of `customer_ids` with more than one ticket opened in the last 90 days."""
    counts = recent_ticket_counts(customer_ids, now)
    return {customer_id for customer_id, count in counts.items() if count > 1}


def is_repeat_complainant(customer_id: int, now: datetime) -> bool:
    """True when the customer has another ticket besides one in the last 90 days."""
    return customer_id in repeat_complainants([customer_id], now)
