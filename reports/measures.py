"""The weekly report's counted figures: COUNT / SUM … GROUP BY over the sets of
`reports.sets` and `reports.clocks`, one statement per group of figures. Only grouped
rows reach Python (at most one per dimension, category, channel, severity, owner, remedy
or cause), never one row per ticket.
"""

from sqlalchemy import Select, String, case, cast, func, literal, select, union_all

from extensions import db
from followups.models import FollowUp, FollowUpAttempt
from reports import sets
from reports.clocks import CLOCK_NAMES, clock_met, sla_due
from reports.numbers import percent, rate, to_decimal
from reports.scope import Scope
from tickets.models import Category, FixOffer, Ticket, TicketEvent

VOLUME_SETS = {
    "new": sets.new,
    "resolved": sets.resolved,
    "declined": sets.declined,
    "reopened": sets.reopened,
}
GROUPINGS = {
    "dimension": Ticket.dimension,
    "category": Category.name,
    "channel": Ticket.channel,
    "severity": Ticket.severity,
    "owner": cast(Ticket.owner_id, String),
}

Grouped = dict[str, dict[str, int]]


def _grouped(members: Select) -> Grouped:
    """How many tickets of `members` have each value of each grouping (one statement; the
    set is computed once, materialized, and read by each grouping)."""
    computed = members.cte("members").prefix_with("MATERIALIZED")
    ids = select(*computed.c)
    parts = [
        select(literal(name, String).label("grouping"), column.label("value"),
               func.count(Ticket.id).label("n"))
        .select_from(Ticket)
        .outerjoin(Category, Category.id == Ticket.category_id)
        .where(Ticket.id.in_(ids))
        .group_by(column)
        for name, column in GROUPINGS.items()
    ]
    counts: Grouped = {name: {} for name in GROUPINGS}
    for grouping, value, count in db.session.execute(union_all(*parts)):
        if value is not None:
            counts[grouping][value] = count
    return counts


def volume_counts(scope: Scope) -> dict[str, Grouped]:
    """For new, resolved, declined and reopened: counts per grouping value."""
    return {key: _grouped(build(scope)) for key, build in VOLUME_SETS.items()}


def total(grouped: Grouped) -> int:
    """Every ticket has exactly one channel, so the channel counts add up to the set (the
    dimension does not: a customer's own complaint may arrive without one)."""
    return sum(grouped["channel"].values())


def unclassified(grouped: Grouped) -> int:
    """Tickets without a category (a customer's complaint nobody has classified yet):
    every other ticket has exactly one category."""
    return total(grouped) - sum(grouped["category"].values())


SlaRows = dict[str, list[tuple[str, int | None, int, int]]]


def sla_counts(scope: Scope) -> SlaRows:
    """Per clock: (dimension, owner id, clocks counted, clocks met) rows."""
    rows: SlaRows = {}
    for clock in CLOCK_NAMES:
        met = func.sum(case((clock_met(clock), 1), else_=0))
        stmt = (
            select(Ticket.dimension, Ticket.owner_id, func.count(Ticket.id), met)
            .where(Ticket.id.in_(sla_due(scope, clock)))
            .group_by(Ticket.dimension, Ticket.owner_id)
        )
        rows[clock] = [tuple(row) for row in db.session.execute(stmt)]
    return rows


def _count(members: Select):
    return select(func.count()).select_from(members.subquery()).scalar_subquery()


def rates(scope: Scope, volume: dict[str, Grouped]) -> dict:
    """First-contact resolution, escalation, reopen and recovery rates (one statement)."""
    first, escalated, active, recovered = db.session.execute(
        select(
            _count(sets.first_contact(scope)),
            _count(sets.escalated(scope)),
            _count(sets.active(scope)),
            _count(sets.recovered(scope)),
        )
    ).one()
    resolved = total(volume["resolved"])
    recovery = rate(recovered, resolved)
    return {
        "first_contact_resolution": rate(first, resolved),
        "escalation": rate(escalated, active),
        "reopen": rate(total(volume["reopened"]), resolved),
        "recovery": recovery,
        "recovery_rate": recovery["rate"],
    }


def customer_side(scope: Scope) -> dict:
    """Writing to the customer, in one statement: the share of the customers who could be
    acknowledged in writing (owned this week, with an e-mail address) who were, within the
    first-response target; and how many fix offers the customer accepted themselves."""
    acknowledged, could_be, accepted = db.session.execute(
        select(
            _count(sets.acknowledged_in_writing(scope)),
            _count(sets.owned_with_email(scope)),
            _count(sets.customer_acceptances(scope, TicketEvent.id)),
        )
    ).one()
    return {
        "acknowledged_in_writing": rate(acknowledged, could_be),
        "customer_accepted_fixes": accepted,
    }


def csat_counts(scope: Scope) -> dict[int | None, tuple[int, int]]:
    """Per ticket owner: (survey answers in the week, sum of their CSAT scores)."""
    stmt = sets.survey_answers(
        scope, Ticket.owner_id, func.count(FollowUpAttempt.id), func.sum(FollowUpAttempt.csat)
    ).group_by(Ticket.owner_id)
    return {owner: (count, int(score or 0)) for owner, count, score in db.session.execute(stmt)}


def survey_response(scope: Scope) -> dict:
    """Of the surveys due in the week (not cancelled or superseded), how many were answered."""
    completed = func.sum(case((sets.SURVEY_COMPLETED, 1), else_=0))
    due, answered = db.session.execute(
        sets.surveys_due(scope, func.count(FollowUp.id), completed)
    ).one()
    return rate(int(answered or 0), due)


CompensationRows = list[tuple[str, int | None, str, int, object]]


def compensation_counts(scope: Scope) -> CompensationRows:
    """(remedy, owner id, currency, offers, total amount) over the latest offers of the
    week's resolved tickets; amounts are never added across currencies."""
    stmt = sets.offers(
        scope,
        FixOffer.remedy_type,
        Ticket.owner_id,
        FixOffer.currency,
        func.count(FixOffer.id),
        func.sum(FixOffer.compensation),
    ).group_by(FixOffer.remedy_type, Ticket.owner_id, FixOffer.currency)
    return [(remedy, owner, currency, count, to_decimal(amount))
            for remedy, owner, currency, count, amount in db.session.execute(stmt)]


def _resolved_by(scope: Scope, column) -> dict[str, int]:
    stmt = (
        select(column, func.count(Ticket.id))
        .where(Ticket.id.in_(sets.resolved(scope)), column.is_not(None))
        .group_by(column)
    )
    return dict(db.session.execute(stmt).all())


def root_causes(scope: Scope) -> list[dict]:
    """Pareto of the week's resolved tickets by root cause: count desc, then cause; share
    and cumulative share in percent."""
    counts = sorted(_resolved_by(scope, Ticket.root_cause).items(), key=lambda i: (-i[1], i[0]))
    whole, running, pareto = sum(count for _cause, count in counts), 0, []
    for cause, count in counts:
        running += count
        pareto.append({"cause": cause, "count": count, "share": percent(count, whole),
                       "cumulative": percent(running, whole)})
    return pareto


def fault_split(scope: Scope) -> dict[str, int]:
    """The week's resolved tickets by where the fault lay (faults with a count only)."""
    return dict(sorted(_resolved_by(scope, Ticket.fault).items()))
