"""The weekly report's short lists: prevention actions, repeat complainants, gestures.

Each list is at most LIST_LIMIT rows, taken in SQL (ORDER BY … LIMIT); the counts beside
them are window aggregates of the same statement, never counted from loaded rows.
"""

from sqlalchemy import case, func, select

from customers.models import Customer
from extensions import db
from reports import sets
from reports.scope import Scope
from tickets.models import PreventionAction, Ticket, format_ref

LIST_LIMIT = 20


def prevention(scope: Scope) -> dict:
    """Prevention actions open at the week's end, and those overdue then (due before the
    local date the week ends on), oldest due first: one statement reads the open actions
    once, counts both (window aggregates) and returns the overdue ones first."""
    overdue = case((sets.prevention_overdue(scope), 1), else_=0).label("overdue")
    stmt = sets.prevention_actions(
        scope,
        PreventionAction.ticket_id,
        PreventionAction.action,
        PreventionAction.owner_name,
        PreventionAction.due_on,
        overdue,
        func.count().over().label("open_count"),
        func.sum(overdue).over().label("overdue_count"),
    ).order_by(overdue.desc(), PreventionAction.due_on, PreventionAction.id).limit(LIST_LIMIT)
    rows = db.session.execute(stmt).all()
    return {
        "open": rows[0].open_count if rows else 0,
        "overdue": int(rows[0].overdue_count or 0) if rows else 0,
        "overdue_items": [
            {"ticket": format_ref(row.ticket_id), "action": row.action,
             "owner": row.owner_name, "due_on": row.due_on.isoformat()}
            for row in rows if row.overdue
        ],
    }


def repeat_complainants(scope: Scope) -> tuple[list[dict], int]:
    """Customers with a ticket this week and two or more in the 90 days to the week's end,
    most tickets first, at most LIST_LIMIT; and how many there are in all."""
    repeat = sets.repeat_customers(scope).subquery("repeat")
    stmt = (
        select(Customer.id, Customer.name, repeat.c.tickets, func.count().over().label("total"))
        .join(repeat, repeat.c.customer_id == Customer.id)
        .order_by(repeat.c.tickets.desc(), Customer.name, Customer.id)
        .limit(LIST_LIMIT)
    )
    rows = db.session.execute(stmt).all()
    listed = [{"customer_id": row.id, "name": row.name, "tickets_90_days": row.tickets}
              for row in rows]
    return listed, rows[0].total if rows else 0


def gestures(scope: Scope) -> dict:
    """Beyond-expectation gestures of the tickets resolved in the week: how many, and the
    first LIST_LIMIT by ticket."""
    # Materialized first, then ordered: ORDER BY id over the whole table could walk the
    # primary key from the first ticket to the last of the set.
    given = (
        select(Ticket.id, Ticket.beyond_expectation)
        .where(Ticket.id.in_(sets.gestures(scope)))
        .cte("given")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        select(given.c.id, given.c.beyond_expectation, func.count().over().label("total"))
        .order_by(given.c.id)
        .limit(LIST_LIMIT)
    )
    rows = db.session.execute(stmt).all()
    return {
        "count": rows[0].total if rows else 0,
        "items": [{"ticket": format_ref(row.id), "gesture": row.beyond_expectation}
                  for row in rows],
    }
