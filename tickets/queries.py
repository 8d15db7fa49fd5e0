"""Queues and the filtered site list. Each page costs a constant number of queries."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, literal, literal_column, or_, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.functions import GenericFunction

from auth.models import User
from auth.permissions import has_permission, visible_site_ids
from core.database import JOINS_AS_WRITTEN
from core.db_types import UTCDateTime
from core.inputs import is_ascii_digits
from core.messages import define
from core.vocabulary import OPEN_STATES, Severity, Status
from core.words import N_
from customers.models import Customer
from customers.services import escape_like, phone_digits
from tickets.limits import empowerment_limit
from tickets.models import FixOffer, Ticket, parse_ref

OPEN = [str(s) for s in OPEN_STATES]


def is_open():
    """The ticket is open, with the states written inline (not as parameters): the
    planner then knows how few rows of the (owner, status) index are open."""
    return Ticket.status.in_([literal_column(f"'{state}'") for state in OPEN])


@dataclass
class TicketFilters:
    status: str = ""
    dimension: str = ""
    severity: str = ""
    channel: str = ""
    owner: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    overdue_at: datetime | None = None
    site_id: int | None = None
    updated_since: datetime | None = None
    before: tuple[datetime, int] | None = None  # keyset: (created_at, id) of the last row seen


def base_query(user: User) -> Select:
    """Tickets the user may see, with what every list shows loaded in the same query."""
    stmt = select(Ticket).options(
        joinedload(Ticket.customer),
        joinedload(Ticket.owner),
        joinedload(Ticket.category),
        joinedload(Ticket.site),
        joinedload(Ticket.pending_transfer_to),
    ).execution_options(**{JOINS_AS_WRITTEN: True})
    site_ids = visible_site_ids(user)
    if site_ids is not None:
        stmt = stmt.where(Ticket.site_id.in_(site_ids))
    return stmt


def customer_replied_first() -> tuple:
    """The ordering that puts tickets waiting on staff after a customer message first (the
    longest waiting first); the caller's own ordering follows."""
    return (Ticket.customer_replied_at.is_(None), Ticket.customer_replied_at.asc())


def my_tickets(user: User) -> Select:
    """Open tickets I own, and tickets handed to me that wait for me to accept or own;
    those the customer wrote on first."""
    stmt = base_query(user).where(
        or_(Ticket.owner_id == user.id, Ticket.pending_transfer_to_id == user.id), is_open())
    return stmt.order_by(*customer_replied_first(), Ticket.created_at.asc())


def unowned(user: User) -> Select:
    """New tickets, oldest first; those the customer wrote on again first."""
    stmt = base_query(user).where(Ticket.status == str(Status.NEW))
    return stmt.order_by(*customer_replied_first(), Ticket.created_at.asc())


def _current_offer_amount():
    """The compensation of the ticket's latest fix offer (correlated, one value per row)."""
    latest = select(FixOffer.compensation).where(FixOffer.ticket_id == Ticket.id)
    return latest.order_by(FixOffer.id.desc()).limit(1).scalar_subquery()


def _decidable_by(user: User):
    """What a non-manager may decide: a fix over the owner's limit but within the user's own
    empowerment limit, on a ticket they do not own; a decline whose sign-off was asked of
    them. Non-managers see one site (their own), so their limit is that site's."""
    not_mine = or_(Ticket.owner_id.is_(None), Ticket.owner_id != user.id)
    fix = (Ticket.pending_approval_kind == "fix") & not_mine
    limit = empowerment_limit(user.role, user.site)
    if limit is not None:
        fix = fix & (_current_offer_amount() <= limit)
    decline = (Ticket.pending_approval_kind == "decline") & (
        Ticket.signoff_requested_from_id == user.id
    )
    return or_(fix, decline)


def awaiting_approval(user: User) -> Select:
    """Tickets awaiting this user's decision, oldest change first (one SQL query).

    Managers see every ticket awaiting approval in their scope; others only what they can
    decide (see `_decidable_by`).
    """
    stmt = base_query(user).where(Ticket.status == str(Status.AWAITING_APPROVAL))
    if not has_permission(user, "view_all_sites"):
        stmt = stmt.where(_decidable_by(user))
    return stmt.order_by(Ticket.updated_at.asc(), Ticket.id.asc())


def _local_day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def matching(stmt: Select, text: str) -> Select:
    """`stmt` narrowed to the tickets `text` finds: by reference (SR-000123 or 123), the
    customer's name, phone digits (3 at least) or e-mail, the booking reference or words of
    the description. LIKE wildcards in `text` match themselves. Joins the customer.

    The tickets found are one set of ids: the tickets whose own columns match, then those
    of the customers who match (`_matching_customer_ids`). Each side is one table, so that
    PostgreSQL combines its trigram indexes (migration f14b) with a BitmapOr and reaches
    the customers' tickets by their index, instead of reading every ticket joined to its
    customer. Needles under 3 characters have no trigram: those read the tables."""
    text = text.strip()
    looks_like_ref = text.upper().startswith("SR-") or is_ascii_digits(text)
    ticket_id = parse_ref(text) if looks_like_ref else None
    pattern = f"%{escape_like(text)}%"
    own = [
        Ticket.description.ilike(pattern, escape="\\"),
        Ticket.booking_ref.ilike(pattern, escape="\\"),
    ]
    if ticket_id is not None:
        own.append(Ticket.id == ticket_id)
    found = union(
        select(Ticket.id).where(or_(*own)).correlate(None),
        select(Ticket.id).where(Ticket.customer_id.in_(_matching_customer_ids(text)))
        .correlate(None),
    )
    return stmt.join(Ticket.customer).where(Ticket.id.in_(found))


def _matching_customer_ids(text: str) -> Select:
    """The ids of the customers `matching` finds `text` in: the name (ignoring case), the
    phone digits (3 at least) or, for a text with an @, the e-mail (ignoring case)."""
    conditions = [Customer.name_key.contains(text.lower(), autoescape=True)]
    digits = phone_digits(text)
    if len(digits) >= 3:
        conditions.append(Customer.phone_digits.contains(digits, autoescape=True))
    if "@" in text:
        conditions.append(Customer.email.ilike(f"%{escape_like(text)}%", escape="\\"))
    return select(Customer.id).where(or_(*conditions)).correlate(None)


def overdue(now: datetime):
    """Open tickets with a deadline passed and not met: first response, fix, resolution (not
    while paused) or the next contact promised to the customer. One range over the indexed
    earliest unmet due time, which is empty once a ticket is finished."""
    return Ticket.next_due_at < now


def older_than(created_at: datetime, ticket_id: int):
    """Rows after (created_at, id) in the newest-first order: the keyset page condition."""
    return or_(Ticket.created_at < created_at,
               and_(Ticket.created_at == created_at, Ticket.id < ticket_id))


def site_tickets(user: User, filters: TicketFilters, zone: ZoneInfo, *,
                 replied_first: bool = False) -> Select:
    """The site list: filters combine with AND; dates are the viewer's site-local days.
    Newest first (the API's order); `replied_first` puts the tickets waiting on staff after
    a customer message before the others (the page's order)."""
    stmt = base_query(user)
    for column, value in (
        (Ticket.status, filters.status),
        (Ticket.dimension, filters.dimension),
        (Ticket.severity, filters.severity),
        (Ticket.channel, filters.channel),
    ):
        if value:
            stmt = stmt.where(column == value)
    if filters.owner == "me":
        stmt = stmt.where(Ticket.owner_id == user.id)
    elif filters.owner == "none":
        stmt = stmt.where(Ticket.owner_id.is_(None))
    elif filters.owner:
        stmt = stmt.join(User, Ticket.owner_id == User.id).where(User.username == filters.owner)
    if filters.date_from:
        stmt = stmt.where(Ticket.created_at >= _local_day_start(filters.date_from, zone))
    if filters.date_to:
        end = _local_day_start(filters.date_to + timedelta(days=1), zone)
        stmt = stmt.where(Ticket.created_at < end)
    if filters.q.strip():
        stmt = matching(stmt, filters.q)
    if filters.overdue_at is not None:
        stmt = stmt.where(overdue(filters.overdue_at))
    if filters.site_id is not None:
        stmt = stmt.where(Ticket.site_id == filters.site_id)
    if filters.updated_since is not None:
        stmt = stmt.where(Ticket.updated_at >= filters.updated_since)
    if filters.before is not None:
        stmt = stmt.where(older_than(*filters.before))
    first = customer_replied_first() if replied_first else ()
    return stmt.order_by(*first, Ticket.created_at.desc(), Ticket.id.desc())


def replied_first_parts(stmt: Select) -> tuple[Select, Select]:
    """`stmt` in the site page's order (`site_tickets(..., replied_first=True)`) as its two
    runs, each in an order an index gives: the tickets the customer wrote on (the longest
    waiting first), then the others, newest first. Reading a page from them never sorts
    the archive."""
    unordered = stmt.order_by(None)
    replied = unordered.where(Ticket.customer_replied_at.is_not(None)).order_by(
        Ticket.customer_replied_at.asc(), Ticket.created_at.desc(), Ticket.id.desc())
    others = unordered.where(Ticket.customer_replied_at.is_(None)).order_by(
        Ticket.created_at.desc(), Ticket.id.desc())
    return replied, others


# --- sorting the lists (`?sort=` on the pages) -------------------------------------------

SORT_KEYS = ("ref", "customer", "status", "severity", "sla", "owner", "opened")
UNKNOWN_SORT = define(
    "list.unknown_sort",
    N_("Sort by one of: %(keys)s, with a leading minus for the reverse order."))
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


class least(GenericFunction):  # noqa: N801 - named as the SQL function
    """The smallest of its arguments: LEAST on PostgreSQL, the scalar min() on SQLite."""

    inherit_cache = True


@compiles(least, "sqlite")
def _least_on_sqlite(element, compiler, **kw):
    return f"min({compiler.process(element.clauses, **kw)})"


@dataclass(frozen=True)
class TicketSort:
    """A list's order: one of SORT_KEYS, each in its natural direction (`descending` turns
    it round). Natural: reference, customer and owner A→Z (unowned last), the workflow's
    order of statuses, the most severe first, the nearest SLA deadline first, the oldest
    opened first."""

    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return ("-" if self.descending else "") + self.key

    def next_param(self, key: str) -> str:
        """What a click on the `key` column asks for: its reverse when the list is sorted by
        it in its natural direction, else its natural direction."""
        return f"-{key}" if key == self.key and not self.descending else key


def parse_sort(raw: str) -> TicketSort | None:
    """`?sort=` as a TicketSort (None when it is not a key, with or without a leading minus)."""
    key = raw[1:] if raw.startswith("-") else raw
    if key not in SORT_KEYS:
        return None
    return TicketSort(key, descending=raw.startswith("-"))


def _pending(due, unmet):
    """`due` while its clock still waits to be met, else never (sorts last)."""
    return case((and_(unmet, due.is_not(None)), due), else_=literal(_NEVER, UTCDateTime()))


def next_deadline():
    """The nearest due time among the ticket's clocks not met yet (never for a finished
    ticket): the order of the SLA column."""
    is_open = Ticket.status.in_(OPEN)
    return least(
        _pending(Ticket.first_response_due, is_open & Ticket.owned_at.is_(None)),
        _pending(Ticket.fix_offered_due, is_open & Ticket.fix_offered_at.is_(None)
                 & Ticket.declined_at.is_(None)),
        _pending(Ticket.resolution_due, is_open),
    )


def _sort_terms(key: str) -> list:
    """The ORDER BY terms of `key` in its natural direction (null-safe on both databases)."""
    if key == "customer":
        name = select(Customer.name_key).where(Customer.id == Ticket.customer_id)
        return [name.scalar_subquery()]
    if key == "owner":
        name = select(User.display_name).where(User.id == Ticket.owner_id).scalar_subquery()
        return [Ticket.owner_id.is_(None), name]
    if key == "status":
        return [case({str(s): rank for rank, s in enumerate(Status)}, value=Ticket.status,
                     else_=len(Status))]
    if key == "severity":
        ranks = {str(s): rank for rank, s in enumerate(reversed(Severity))}
        return [case(ranks, value=Ticket.severity, else_=len(Severity))]
    if key == "sla":
        return [next_deadline()]
    if key == "opened":
        return [Ticket.created_at]
    return []


def sorted_by(stmt: Select, sort: TicketSort) -> Select:
    """`stmt` in `sort`'s order instead of its own; ties by reference, in the same direction."""
    terms = [*_sort_terms(sort.key), Ticket.id]
    if sort.descending:
        terms = [term.desc() for term in terms]
    return stmt.order_by(None).order_by(*terms)
