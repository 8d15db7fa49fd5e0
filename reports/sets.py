"""The ticket sets behind the weekly report's figures, each defined once.

Every set is a SELECT of ticket ids for one `Scope`. The figures count or group the tickets
of a set (`Ticket.id IN (set)`) and the drill-down lists them (`figure_tickets`), so a
number and its ticket list cannot drift apart. A ticket counts in the week, in its own
site's zone, in which the event happened (see `Scope.during`). Group-by columns are the
ticket's current values (dimension, category, channel, severity, owner).
"""

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select

from correspondence.models import CustomerMessage
from customers.models import EMAIL_ON_FILE as EMAIL_ON_FILE_MARK
from customers.models import Customer
from customers.services import REPEAT_WINDOW
from followups.models import FollowUp, FollowUpAttempt
from followups.rules import DISSATISFIED_CSAT
from outbox.models import OutboxMessage
from reports.scope import Scope, SiteWeek
from tickets.models import FixOffer, PreventionAction, Ticket, TicketEvent

ESCALATION_ACTIONS = ("escalate", "sla_level_1", "sla_level_2")
SURVEY_NOT_COUNTED = ("cancelled", "superseded")


def _ids(stmt: Select) -> Select:
    """A set as used inside another query: never correlated with the outer ticket."""
    return stmt.correlate(None)


# --- volume --------------------------------------------------------------------------------


def created_during(scope: Scope) -> ColumnElement[bool]:
    """The ticket was created in its site's week (the "new" tickets)."""
    return scope.during(Ticket.created_at)


def new(scope: Scope) -> Select:
    """Tickets created in the week."""
    return _ids(select(Ticket.id).where(created_during(scope)))


def declined(scope: Scope) -> Select:
    """Tickets whose (latest) decline took effect in the week (`declined_at`)."""
    return _ids(select(Ticket.id).where(scope.during(Ticket.declined_at)))


def _with_event(scope: Scope, actions: tuple[str, ...] | None) -> Select:
    stmt = select(TicketEvent.ticket_id).join(Ticket, Ticket.id == TicketEvent.ticket_id)
    if actions is not None:
        stmt = stmt.where(TicketEvent.action.in_(actions))
    return _ids(stmt.where(scope.during(TicketEvent.created_at)).distinct())


def resolutions(scope: Scope):
    """Per ticket with a "resolve" event in the week: its latest such moment (`resolved_at`).

    Durations and the first-contact rule use this moment, so a ticket resolved again in a
    later week still counts this week's resolution here.
    """
    stmt = (
        select(
            TicketEvent.ticket_id.label("ticket_id"),
            func.max(TicketEvent.created_at).label("resolved_at"),
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action == "resolve", scope.during(TicketEvent.created_at))
        .group_by(TicketEvent.ticket_id)
    )
    return stmt.correlate(None).subquery("resolutions")


def resolved(scope: Scope) -> Select:
    """Distinct tickets with a "resolve" event in the week."""
    return _ids(select(resolutions(scope).c.ticket_id))


def reopened(scope: Scope) -> Select:
    """Distinct tickets with a "reopen" event in the week."""
    return _with_event(scope, ("reopen",))


def escalated(scope: Scope) -> Select:
    """Distinct tickets escalated in the week, by hand or by the SLA ladder (levels 1, 2)."""
    return _with_event(scope, ESCALATION_ACTIONS)


# Bookkeeping on a ticket that is not work on the complaint (a customer's data erased).
ADMINISTRATIVE_EVENTS = ("customer_erased",)


def active(scope: Scope) -> Select:
    """Distinct tickets with any event in the week but administrative ones (the escalation
    rate's denominator)."""
    stmt = select(TicketEvent.ticket_id).join(Ticket, Ticket.id == TicketEvent.ticket_id)
    stmt = stmt.where(TicketEvent.action.not_in(ADMINISTRATIVE_EVENTS))
    return _ids(stmt.where(scope.during(TicketEvent.created_at)).distinct())


def owned(scope: Scope) -> Select:
    """Tickets first owned in the week (their first-response time counts this week)."""
    return _ids(select(Ticket.id).where(scope.during(Ticket.owned_at)))


def first_contact(scope: Scope) -> Select:
    """Resolved this week by the person who opened it (the resolve event's actor, whoever
    owns the ticket now), owned and resolved on the same local day of the site (the day
    bounds are precomputed per site, DST-correct)."""
    res = resolutions(scope)

    def same_day(week: SiteWeek) -> ColumnElement[bool]:
        return or_(
            *(
                and_(Ticket.owned_at >= start, Ticket.owned_at < end,
                     res.c.resolved_at >= start, res.c.resolved_at < end)
                for start, end in week.days
            )
        )

    resolve = and_(TicketEvent.ticket_id == Ticket.id, TicketEvent.action == "resolve",
                   TicketEvent.created_at == res.c.resolved_at)
    stmt = select(Ticket.id).join(res, res.c.ticket_id == Ticket.id).join(TicketEvent, resolve)
    # A ticket the customer opened (no opener) is never resolved "at first contact".
    by_opener = and_(Ticket.opened_by_id.is_not(None), TicketEvent.actor_id == Ticket.opened_by_id)
    return _ids(stmt.where(by_opener, scope.each(same_day)))


# --- follow-ups ----------------------------------------------------------------------------


def _dissatisfied_attempt() -> ColumnElement[bool]:
    """The ticket has a follow-up answer saying the customer is not satisfied."""
    low = or_(FollowUpAttempt.csat <= DISSATISFIED_CSAT, FollowUpAttempt.recovered.is_(False))
    return (
        exists()
        .where(FollowUpAttempt.ticket_id == Ticket.id, FollowUpAttempt.reached.is_(True), low)
        .correlate(Ticket)
    )


def recovered(scope: Scope) -> Select:
    """Resolved this week with the fix accepted and no dissatisfied follow-up answer."""
    return _ids(
        select(Ticket.id).where(
            Ticket.id.in_(resolved(scope)),
            Ticket.customer_response == "accepted",
            not_(_dissatisfied_attempt()),
        )
    )


def survey_answers(scope: Scope, *columns) -> Select:
    """`columns` over the survey answers (reached, with a CSAT) given in the week."""
    # The follow-up's kind per answer (a lookup by key), not a join the planner may
    # serve by reading every follow-up.
    kind = (
        select(FollowUp.kind)
        .where(FollowUp.id == FollowUpAttempt.follow_up_id)
        .correlate(FollowUpAttempt)
        .scalar_subquery()
    )
    stmt = (
        select(*columns)
        .select_from(FollowUpAttempt)
        .join(Ticket, Ticket.id == FollowUpAttempt.ticket_id)
        .where(
            kind == "survey",
            FollowUpAttempt.reached.is_(True),
            FollowUpAttempt.csat.is_not(None),
            scope.during(FollowUpAttempt.at),
        )
    )
    return stmt.correlate(None)


def surveyed(scope: Scope) -> Select:
    """Tickets with a survey answer counted in the week's CSAT."""
    return _ids(survey_answers(scope, FollowUpAttempt.ticket_id).distinct())


SURVEY_COMPLETED = FollowUp.outcome == "completed"


def surveys_due(scope: Scope, *columns) -> Select:
    """`columns` over the survey follow-ups due in the week, except cancelled or superseded
    ones (a survey still open counts as due and not answered)."""
    counted = or_(FollowUp.outcome.is_(None), FollowUp.outcome.not_in(SURVEY_NOT_COUNTED))
    stmt = (
        select(*columns)
        .select_from(FollowUp)
        .join(Ticket, Ticket.id == FollowUp.ticket_id)
        .where(FollowUp.kind == "survey", scope.during(FollowUp.due_at), counted)
    )
    return stmt.correlate(None)


def survey_due(scope: Scope) -> Select:
    return _ids(surveys_due(scope, FollowUp.ticket_id).distinct())


def survey_completed(scope: Scope) -> Select:
    return _ids(surveys_due(scope, FollowUp.ticket_id).where(SURVEY_COMPLETED).distinct())


# --- money, causes, gestures ---------------------------------------------------------------


def latest_offers(scope: Scope) -> Select:
    """The latest fix offer (highest id) of each ticket resolved in the week."""
    stmt = select(func.max(FixOffer.id)).where(FixOffer.ticket_id.in_(resolved(scope)))
    return _ids(stmt.group_by(FixOffer.ticket_id))


def offers(scope: Scope, *columns) -> Select:
    """`columns` over the latest fix offers of the tickets resolved in the week."""
    stmt = (
        select(*columns)
        .select_from(FixOffer)
        .join(Ticket, Ticket.id == FixOffer.ticket_id)
        .where(FixOffer.id.in_(latest_offers(scope)))
    )
    return stmt.correlate(None)


def compensated(scope: Scope, remedy: str | None = None) -> Select:
    """Tickets resolved in the week with a fix offer (whose latest is of `remedy`, if given)."""
    stmt = offers(scope, FixOffer.ticket_id)
    if remedy is not None:
        stmt = stmt.where(FixOffer.remedy_type == remedy)
    return _ids(stmt)


def root_cause(scope: Scope, cause: str) -> Select:
    return _ids(select(Ticket.id).where(Ticket.id.in_(resolved(scope)), Ticket.root_cause == cause))


def fault(scope: Scope, fault: str) -> Select:
    return _ids(select(Ticket.id).where(Ticket.id.in_(resolved(scope)), Ticket.fault == fault))


def gestures(scope: Scope) -> Select:
    """Resolved in the week with a beyond-expectation gesture recorded."""
    given = func.coalesce(Ticket.beyond_expectation, "") != ""
    return _ids(select(Ticket.id).where(Ticket.id.in_(resolved(scope)), given))


# --- prevention and repeat complainants ----------------------------------------------------


def _prevention_open_at(week: SiteWeek) -> ColumnElement[bool]:
    return and_(
        PreventionAction.created_at < week.end,
        or_(PreventionAction.done_at.is_(None), PreventionAction.done_at >= week.end),
    )


def prevention_open(scope: Scope) -> ColumnElement[bool]:
    """A prevention action recorded before the week's end and not done by then."""
    return scope.bounded(scope.each(_prevention_open_at), PreventionAction.created_at,
                         high=lambda week: week.end)


def prevention_overdue(scope: Scope) -> ColumnElement[bool]:
    """Open at the week's end and due before the local date the week ends on (so an action
    due on the week's Sunday and still open at its end is overdue)."""
    return scope.each(
        lambda week: and_(_prevention_open_at(week), PreventionAction.due_on < week.end_date)
    )


def _not_done_before_weeks_end(scope: Scope) -> ColumnElement[bool]:
    """Not done, or done at or after the earliest of the sites' week ends: implied by
    `prevention_open`, and written on its own so that one index (done_at) serves it and
    the cost follows the actions open then, not every action ever recorded."""
    if not scope.sites:
        return false()
    first_end = min(week.end for week in scope.sites)
    return or_(PreventionAction.done_at.is_(None), PreventionAction.done_at >= first_end)


def prevention_actions(scope: Scope, *columns, overdue: bool = False) -> Select:
    """`columns` over the prevention actions open (or overdue) at the week's end."""
    condition = prevention_overdue(scope) if overdue else prevention_open(scope)
    stmt = (
        select(*columns)
        .select_from(PreventionAction)
        .join(Ticket, Ticket.id == PreventionAction.ticket_id)
        .where(_not_done_before_weeks_end(scope), condition)
    )
    return stmt.correlate(None)


def prevention_overdue_tickets(scope: Scope) -> Select:
    return _ids(prevention_actions(scope, PreventionAction.ticket_id, overdue=True).distinct())


def _recent(scope: Scope) -> ColumnElement[bool]:
    """Created in the 90 days (elapsed) before the week's end."""
    condition = scope.each(
        lambda w: and_(Ticket.created_at >= w.end - REPEAT_WINDOW, Ticket.created_at < w.end)
    )
    return scope.bounded(condition, Ticket.created_at,
                         lambda w: w.end - REPEAT_WINDOW, lambda w: w.end)


def repeat_customers(scope: Scope) -> Select:
    """Customers with a ticket created in the week and at least two in the 90 days before
    the week's end: customer id and that count."""
    this_week = select(Ticket.customer_id).where(Ticket.id.in_(new(scope))).correlate(None)
    # count(*), not count(id): the index of (customer, created, site) then answers it alone.
    stmt = (
        select(Ticket.customer_id, func.count().label("tickets"))
        .where(_recent(scope), Ticket.customer_id.in_(this_week))
        .group_by(Ticket.customer_id)
        .having(func.count() >= 2)
    )
    return stmt.correlate(None)


def repeat(scope: Scope) -> Select:
    """The repeat complainants' tickets of those 90 days."""
    customers = select(repeat_customers(scope).subquery().c.customer_id).correlate(None)
    return _ids(select(Ticket.id).where(_recent(scope), Ticket.customer_id.in_(customers)))


# --- writing to the customer ---------------------------------------------------------------

ACKNOWLEDGEMENT = "acknowledgement"
RECORD_RESPONSE = "record_response"
# privacy.erasure's event on each ticket of an erased customer, with `customer_email`:
# ["on file", "erased"] when they had an address. Their address is gone, and this keeps
# the share of customers acknowledged in writing what it was before the erasure.
ERASED_EVENT = "customer_erased"
EMAIL_ON_FILE = (("customer_email", 0), EMAIL_ON_FILE_MARK)


def _has_email() -> ColumnElement[bool]:
    """The ticket's customer has an e-mail address (or had one until it was erased)."""
    now_on_file = (
        exists()
        .where(Customer.id == Ticket.customer_id, Customer.email.is_not(None),
               Customer.email != "")
        .correlate(Ticket)
    )
    path, marker = EMAIL_ON_FILE
    erased_with_one = (
        exists()
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.action == ERASED_EVENT,
               TicketEvent.changes[path].as_string() == marker)
        .correlate(Ticket)
    )
    return or_(now_on_file, erased_with_one)


def owned_with_email(scope: Scope) -> Select:
    """Tickets first owned in the week whose customer has an e-mail address: those that
    could be acknowledged in writing."""
    return _ids(select(Ticket.id).where(Ticket.id.in_(owned(scope)), _has_email()))


def _acknowledged_in_time() -> ColumnElement[bool]:
    """An outgoing acknowledgement of the ticket went into the outbox no later than the
    ticket's first-response target."""
    stmt = (
        select(CustomerMessage.id)
        .join(OutboxMessage, OutboxMessage.id == CustomerMessage.outbox_id)
        .where(
            CustomerMessage.ticket_id == Ticket.id,
            CustomerMessage.direction == "out",
            CustomerMessage.kind == ACKNOWLEDGEMENT,
            OutboxMessage.created_at <= Ticket.first_response_due,
        )
    )
    return stmt.correlate(Ticket).exists()


def acknowledged_in_writing(scope: Scope) -> Select:
    """Of `owned_with_email`, those acknowledged in writing within the first-response
    target (the mail was queued by then; the outbox sends it at once)."""
    return _ids(select(Ticket.id).where(Ticket.id.in_(owned_with_email(scope)),
                                        _acknowledged_in_time()))


def _answered_by_customer() -> ColumnElement[bool]:
    """A response recorded without a member of staff (the customer on their status page),
    or marked as the customer's own (`answered_by`: "customer", or [old, "customer"])."""
    answered_by = TicketEvent.changes["answered_by"]
    return or_(
        TicketEvent.actor_id.is_(None),
        answered_by.as_string() == "customer",
        TicketEvent.changes[("answered_by", 1)].as_string() == "customer",
    )


def customer_acceptances(scope: Scope, *columns) -> Select:
    """`columns` over the fix offers the customer accepted themselves in the week: the
    `record_response` events whose response became "accepted"."""
    accepted = TicketEvent.changes[("customer_response", 1)].as_string() == "accepted"
    stmt = (
        select(*columns)
        .select_from(TicketEvent)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.action == RECORD_RESPONSE, scope.during(TicketEvent.created_at),
               accepted, _answered_by_customer())
    )
    return stmt.correlate(None)


def customer_accepted(scope: Scope) -> Select:
    """Tickets whose fix offer the customer accepted themselves in the week."""
    return _ids(customer_acceptances(scope, TicketEvent.ticket_id).distinct())
