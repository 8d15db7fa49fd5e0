"""The weekly report's short lists: prevention actions, repeat complainants, gestures.

Each list is at most LIST_LIMIT rows, taken in SQL (ORDER BY … LIMIT); the counts beside
them are computed in the same or one more statement, never from loaded rows.
"""

from sqlalchemy import func, select

from customers.models import Customer
from extensions import db
from reports import sets
from reports.scope import Scope
from tickets.models import PreventionAction, Ticket, format_ref

LIST_LIMIT = 20


def _count(stmt):
    return select(func.count()).select_from(stmt.subquery()).scalar_subquery()


def prevention(scope: Scope) -> dict:
    """Prevention actions open at the week's end, and those overdue then (due before the
    local date the week ends on): counts, and the overdue ones, oldest due first."""
    action_id = PreventionAction.id
    open_count, overdue_count = db.session.execute(
        select(
            _count(sets.prevention_actions(scope, action_id)),
            _count(sets.prevention_actions(scope, action_id, overdue=True)),
        )
    ).one()
    items = sets.prevention_actions(
        scope,
        PreventionAction.ticket_id,
        PreventionAction.action,
        PreventionAction.owner_name,
        PreventionAction.due_on,
        overdue=True,
    ).order_by(PreventionAction.due_on, PreventionAction.id).limit(LIST_LIMIT)
    return {
        "open": open_count,
        "overdue": overdue_count,
        "overdue_items": [
            {"ticket": format_ref(row.ticket_id), "action": row.action,
             "owner": row.owner_name, "due_on": row.due_on.isoformat()}
            for row in db.session.execute(items)
        ],
    }


def list_counts(scope: Scope) -> dict:
    """The whole counts behind the capped lists: open-and-overdue tickets and repeat
    complainants (the lists show at most LIST_LIMIT of each)."""
    from reports.backlog import open_overdue_tickets

    overdue, repeat = db.session.execute(
        select(_count(open_overdue_tickets(scope)), _count(sets.repeat_customers(scope)))
    ).one()
    return {"open_overdue_count": overdue, "repeat_complainants_count": repeat}


def repeat_complainants(scope: Scope) -> list[dict]:
    """Customers with a ticket this week and two or more in the 90 days to the week's end,
    most tickets first."""
    repeat = sets.repeat_customers(scope).subquery("repeat")
    stmt = (
        select(Customer.id, Customer.name, repeat.c.tickets)
        .join(repeat, repeat.c.customer_id == Customer.id)
        .order_by(repeat.c.tickets.desc(), Customer.name, Customer.id)
        .limit(LIST_LIMIT)
    )
    return [
        {"customer_id": row.id, "name": row.name, "tickets_90_days": row.tickets}
        for row in db.session.execute(stmt)
    ]


def gestures(scope: Scope) -> dict:
    """Beyond-expectation gestures of the tickets resolved in the week: how many, and the
    first LIST_LIMIT by ticket."""
    stmt = (
        select(Ticket.id, Ticket.beyond_expectation, func.count().over().label("total"))
        .where(Ticket.id.in_(sets.gestures(scope)))
        .order_by(Ticket.id)
        .limit(LIST_LIMIT)
    )
    rows = db.session.execute(stmt).all()
    return {
        "count": rows[0].total if rows else 0,
        "items": [{"ticket": format_ref(row.id), "gesture": row.beyond_expectation}
                  for row in rows],
    }
