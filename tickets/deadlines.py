"""SLA due times on a ticket, kept current in the same transaction as the ticket's events.

`refresh_deadlines` recomputes every clock's due time from the site's calendar and policy,
accounts for pauses (the ticket waits on the customer's answer to a fix offer) and sets
`sla_next_check_at`, the moment the sweep must next look at the ticket.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.vocabulary import OPEN_STATES, Status, values
from core.vocabulary import Clock as ClockName
from sites.calendar import calendar_for
from sla.calendar import BusinessCalendar
from sla.clocks import Clock, ClockReading, read_clock
from sla.ladder import LadderTimes, Step, next_step_at
from sla.policy import Policy
from sla.store import policy_for
from tickets.models import Ticket

CLOCK_NAMES = values(ClockName)


@dataclass(frozen=True)
class ClockPlan:
    """One running clock: its dates and the ladder's moments."""

    clock: Clock
    ladder: LadderTimes | None


def _is_open(ticket: Ticket) -> bool:
    return ticket.status in OPEN_STATES


def is_waiting_on_customer(ticket: Ticket) -> bool:
    return ticket.status == Status.FIX_OFFERED and ticket.customer_response is None


def _since(moment: datetime | None, start: datetime | None) -> datetime | None:
    """`moment` if it belongs to the current run of a clock that (re)started at `start`."""
    if moment is None or (start is not None and moment < start):
        return None
    return moment


def _target(ticket: Ticket, policy: Policy, clock: str) -> timedelta:
    return policy.target(clock, ticket.dimension, ticket.severity, ticket.customer.tier)


def _ladder(calendar: BusinessCalendar, policy: Policy, start, due, target) -> LadderTimes:
    return LadderTimes(
        warn_at=calendar.add_business_time(start, policy.warning_after(target)),
        due=due,
        level2_at=calendar.add_business_time(due, policy.level2_after(target)),
    )


def _run(ticket: Ticket, calendar: BusinessCalendar, policy: Policy,
         name: str) -> tuple[datetime, timedelta]:
    """Where the current run of clock `name` starts and how much business time it is
    given: the fixed clocks from opening, resolution from opening or the last reopening,
    the next contact from when it was promised until the time promised."""
    if name == "next_contact":
        start = ticket.next_contact_set_at
        return start, max(calendar.business_time_between(start, ticket.next_contact_by),
                          timedelta(0))
    start = ticket.created_at
    if name == "resolution" and ticket.reopened_at is not None:
        start = ticket.reopened_at
    return start, _target(ticket, policy, name)


def _plan_fixed(ticket, calendar, policy, name: str, met_at) -> ClockPlan:
    start, target = _run(ticket, calendar, policy, name)
    due = calendar.add_business_time(start, target)
    ladder = _ladder(calendar, policy, start, due, target)
    return ClockPlan(Clock(name, due, ladder.warn_at, met_at), ladder)


def _plan_resolution(ticket, calendar, policy, met_at) -> ClockPlan:
    start, target = _run(ticket, calendar, policy, "resolution")
    paused = timedelta(seconds=ticket.resolution_paused_seconds or 0)
    due = calendar.add_business_time(start, target + paused)
    ladder = _ladder(calendar, policy, start, due, target)
    paused_now = ticket.resolution_paused_since is not None
    return ClockPlan(Clock("resolution", due, ladder.warn_at, met_at, paused_now), ladder)


def _plan_next_contact(ticket, calendar, policy, met_at) -> ClockPlan | None:
    if ticket.next_contact_by is None or ticket.next_contact_set_at is None:
        return None
    start, promised = _run(ticket, calendar, policy, "next_contact")
    due = ticket.next_contact_by
    ladder = _ladder(calendar, policy, start, due, promised)
    return ClockPlan(Clock("next_contact", due, ladder.warn_at, met_at), ladder)


def plan_clocks(ticket: Ticket, calendar: BusinessCalendar, policy: Policy) -> dict:
    """Every clock of the ticket with its ladder (next_contact only once promised)."""
    met = _met_times(ticket)
    plans = {
        name: _plan_fixed(ticket, calendar, policy, name, met[name])
        for name in ("first_response", "fix_offered")
    }
    plans["resolution"] = _plan_resolution(ticket, calendar, policy, met["resolution"])
    contact = _plan_next_contact(ticket, calendar, policy, met["next_contact"])
    if contact is not None:
        plans["next_contact"] = contact
    return plans


def _account_pause(ticket: Ticket, calendar: BusinessCalendar, now: datetime) -> None:
    """Start or end the resolution clock's pause to match the ticket's state now."""
    waiting = is_waiting_on_customer(ticket)
    if waiting and ticket.resolution_paused_since is None:
        ticket.resolution_paused_since = now
    elif not waiting and ticket.resolution_paused_since is not None:
        paused = calendar.business_time_between(ticket.resolution_paused_since, now)
        ticket.resolution_paused_seconds = (ticket.resolution_paused_seconds or 0) + int(
            paused.total_seconds()
        )
        ticket.resolution_paused_since = None


def _settle_promise(ticket: Ticket, now: datetime) -> None:
    """A finished ticket has kept its standing promise by finishing."""
    if not _is_open(ticket) and ticket.next_contact_by and ticket.next_contact_met_at is None:
        ticket.next_contact_met_at = now


def next_check(ticket: Ticket, plans: dict) -> datetime | None:
    """When the sweep must next look at the ticket: the earliest next ladder step of a clock
    still running (none once the ticket is finished)."""
    if not _is_open(ticket):
        return None
    steps = ticket.sla_steps or {}
    moments = []
    for name, plan in plans.items():
        if plan.clock.met_at is not None or plan.clock.paused or plan.ladder is None:
            continue
        moment = next_step_at(plan.ladder, Step(steps.get(name, 0)))
        if moment is not None:
            moments.append(moment)
    return min(moments, default=None)


def earliest_unmet_due(ticket: Ticket, plans: dict) -> datetime | None:
    """The earliest due time of a clock still waiting to be met and not paused (none once
    the ticket is finished): the ticket is overdue from then on. The resolution clock is
    never met while the ticket is open; a paused one does not count."""
    if not _is_open(ticket):
        return None
    dues = [plan.clock.due for plan in plans.values()
            if plan.clock.met_at is None and not plan.clock.paused and plan.clock.due]
    return min(dues, default=None)


def refresh_deadlines(ticket: Ticket, now: datetime) -> dict:
    """Recompute due times, pause and next check of `ticket` (no flush). Returns the plans."""
    calendar = calendar_for(ticket.site)
    policy = policy_for(ticket.site)
    _account_pause(ticket, calendar, now)
    _settle_promise(ticket, now)
    plans = plan_clocks(ticket, calendar, policy)
    ticket.first_response_due = plans["first_response"].clock.due
    ticket.fix_offered_due = plans["fix_offered"].clock.due
    ticket.resolution_due = plans["resolution"].clock.due
    ticket.sla_next_check_at = next_check(ticket, plans)
    ticket.next_due_at = earliest_unmet_due(ticket, plans)
    return plans


def restart_clock(ticket: Ticket, name: str) -> None:
    """Forget the ladder steps taken for clock `name` (it starts a new run)."""
    steps = dict(ticket.sla_steps or {})
    steps.pop(name, None)
    ticket.sla_steps = steps


def _met_times(ticket: Ticket) -> dict[str, datetime | None]:
    """When each clock of the current run was met (None while it waits): the rules of
    `plan_clocks`."""
    return {
        "first_response": ticket.owned_at,
        "fix_offered": ticket.fix_offered_at or ticket.declined_at,
        "resolution": _since(ticket.resolved_at, ticket.reopened_at)
        or _since(ticket.declined_at, ticket.reopened_at),
        "next_contact": ticket.next_contact_met_at,
    }


def _warn_at(ticket: Ticket, calendar: BusinessCalendar, policy: Policy, name: str):
    """When a running clock turns at risk (one business-time addition)."""
    start, target = _run(ticket, calendar, policy, name)
    return calendar.add_business_time(start, policy.warning_after(target))


def stored_clocks(ticket: Ticket, calendar: BusinessCalendar, policy: Policy) -> list[Clock]:
    """Each clock as the ticket stores it: the due times written with its last event (the
    ones that apply: a finished ticket keeps its own, an open one keeps its own until a
    policy is applied to it), the warning moment worked out only for a clock still running.
    A list reads these instead of planning every clock again."""
    met = _met_times(ticket)
    dues = {
        "first_response": ticket.first_response_due,
        "fix_offered": ticket.fix_offered_due,
        "resolution": ticket.resolution_due,
    }
    if ticket.next_contact_by is not None and ticket.next_contact_set_at is not None:
        dues["next_contact"] = ticket.next_contact_by
    is_open = _is_open(ticket)
    clocks = []
    for name, due in dues.items():
        paused = name == "resolution" and ticket.resolution_paused_since is not None
        if not is_open and met[name] is None and not paused:
            continue
        running = due is not None and met[name] is None and not paused
        warn = _warn_at(ticket, calendar, policy, name) if running else None
        clocks.append(Clock(name, due, warn, met[name], paused))
    return clocks


def read_clocks(ticket: Ticket, now: datetime) -> dict[str, ClockReading]:
    """Each clock's state now, for badges, the ticket page and the API."""
    calendar = calendar_for(ticket.site)
    readings = {}
    for clock in stored_clocks(ticket, calendar, policy_for(ticket.site)):
        reading = read_clock(clock, now, calendar)
        if reading is not None:
            readings[clock.name] = reading
    return readings
