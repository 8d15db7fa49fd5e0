"""The backlog as the week closed: tickets still open then, the oldest, the overdue ones.

Each site's backlog is read "as of" the end of its week, or now when the week is not over
(`SiteWeek.as_of`, called M below). A ticket is open at M when it was created before M and
was not finished then: not resolved or declined by M, or reopened by M after its last
finish. It is overdue at M when one of its first-response, fix-offered or resolution
clocks fell due before M and was not met by M (a resolution clock paused at M, while the
customer considers a fix, is not overdue).
"""

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from auth.models import User
from extensions import db
from reports.clocks import CLOCKS
from reports.numbers import iso, one_decimal
from reports.scope import Scope
from tickets.models import Ticket, format_ref

BACKLOG_CLOCKS = ("first_response", "fix_offered", "resolution")
LIST_LIMIT = 20


def _last_finish() -> ColumnElement:
    """The later of the ticket's latest resolution and latest decline."""
    resolved, declined = Ticket.resolved_at, Ticket.declined_at
    return case(
        (resolved.is_(None), declined),
        (declined.is_(None), resolved),
        (resolved >= declined, resolved),
        else_=declined,
    )


def finished_for_now() -> ColumnElement:
    """The ticket's last finish, or NULL while it is unfinished (never finished, or
    reopened since). The unfinished tickets are indexed apart per site
    (`ix_tickets_site_unfinished`, whose predicate is this expression IS NULL)."""
    finish = _last_finish()
    return case((Ticket.reopened_at > finish, null()), else_=finish)


class NotIndexed(FunctionElement):
    """`column` itself, which the query must not read an index range of: on SQLite, whose
    planner has no range statistics and may prefer a (site_id, created_at) or (site_id,
    due time) range, nearly the whole site, to the narrow index of a backlog branch, a
    unary plus (SQLite's documented way to keep a term from driving an index)."""

    inherit_cache = True
    name = "not_indexed"

    def __init__(self, column) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(NotIndexed)
def _not_indexed(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(NotIndexed, "sqlite")
def _sqlite_not_indexed(element, compiler, **kw) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def open_at(moment) -> ColumnElement[bool]:
    """Created before `moment` and not finished at `moment`."""
    finish, reopened = _last_finish(), Ticket.reopened_at
    reopened_since = and_(reopened.is_not(None), reopened <= moment, reopened > finish)
    finished = and_(finish.is_not(None), finish <= moment, not_(reopened_since))
    return and_(NotIndexed(Ticket.created_at) < moment, not_(finished))


def overdue_at(clock: str, moment) -> ColumnElement[bool]:
    """`clock` fell due before `moment` and was not met by then (nor paused then)."""
    columns = CLOCKS[clock]
    late = and_(NotIndexed(columns.due) < moment,
                or_(columns.met_at.is_(None), columns.met_at > moment))
    if columns.paused_since is not None:
        paused = and_(columns.paused_since.is_not(None), columns.paused_since <= moment)
        late = and_(late, not_(paused))
    return late


def _in_scope(scope: Scope) -> ColumnElement[bool]:
    """Open at M at one of the scope's sites. Beside `open_at`, the index's necessary
    conditions: a ticket open at M is unfinished now, or resolved or declined after M (a
    ticket finished by M and not reopened since is not open then); one branch for each,
    so that each reads one index range."""
    candidates = (
        lambda moment: finished_for_now().is_(None),
        lambda moment: Ticket.resolved_at > moment,
        lambda moment: Ticket.declined_at > moment,
    )
    return or_(*(scope.each(lambda week, candidate=candidate: and_(
        candidate(week.as_of), open_at(week.as_of))) for candidate in candidates))


def open_tickets(scope: Scope) -> Select:
    """Tickets open at M."""
    return select(Ticket.id).where(_in_scope(scope)).correlate(None)


def open_overdue_tickets(scope: Scope) -> Select:
    """Tickets open and overdue at M."""
    moment = scope.as_of()
    overdue = or_(*(overdue_at(clock, moment) for clock in BACKLOG_CLOCKS))
    return select(Ticket.id).where(_in_scope(scope), overdue).correlate(None)


def oldest_open(scope: Scope) -> dict | None:
    """The open ticket created first: its reference, opening time and age at M in days."""
    # Materialized first, then ordered: an ordered walk of (site_id, created_at) would
    # read every ticket created before the oldest open one.
    backlog = (
        select(Ticket.id, Ticket.site_id, Ticket.created_at)
        .where(_in_scope(scope))
        .cte("backlog")
        .prefix_with("MATERIALIZED")
    )
    stmt = select(backlog).order_by(backlog.c.created_at, backlog.c.id).limit(1)
    row = db.session.execute(stmt).first()
    if row is None:
        return None
    age = scope.site(row.site_id).as_of - row.created_at
    return {
        "ticket": format_ref(row.id),
        "opened_at": iso(row.created_at),
        "age_days": one_decimal(age.total_seconds() / 86400),
    }


def _overdue_clocks(scope: Scope):
    """One row per (open ticket, overdue clock) with the clock's order and due time."""
    moment = scope.as_of()
    parts = [
        select(
            Ticket.id.label("ticket_id"),
            literal(order, Integer).label("clock_order"),
            CLOCKS[clock].due.label("due"),
        ).where(_in_scope(scope), overdue_at(clock, moment))
        for order, clock in enumerate(BACKLOG_CLOCKS)
    ]
    # Materialized: computed on its own from the index, before the ranking reads it.
    return union_all(*parts).cte("overdue_clocks").prefix_with("MATERIALIZED")


def open_overdue(scope: Scope) -> tuple[list[dict], int]:
    """The open and overdue tickets, most overdue first (earliest missed due time), each
    with the clock that is most overdue, at most LIST_LIMIT; and how many there are in all
    (one rank-1 row per ticket of `open_overdue_tickets`), in the same statement."""
    clocks = _overdue_clocks(scope)
    order = (clocks.c.due, clocks.c.clock_order)
    rank = func.row_number().over(partition_by=clocks.c.ticket_id, order_by=order)
    ranked = select(clocks, rank.label("rank")).subquery("ranked")
    stmt = (
        select(ranked.c.ticket_id, ranked.c.clock_order, ranked.c.due, Ticket.status,
               User.username, func.count().over().label("total"))
        .join(Ticket, Ticket.id == ranked.c.ticket_id)
        .outerjoin(User, User.id == Ticket.owner_id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.due, ranked.c.ticket_id)
        .limit(LIST_LIMIT)
    )
    rows = db.session.execute(stmt).all()
    listed = [
        {"ticket": format_ref(row.ticket_id), "status": row.status, "owner": row.username,
         "clock": BACKLOG_CLOCKS[row.clock_order], "due": iso(row.due)}
        for row in rows
    ]
    return listed, rows[0].total if rows else 0
