"""Stored SLA due times against a recomputation from the site's policy and calendar.

Read-only: `tickets.deadlines.plan_clocks` plans the clocks from the stored ticket and
nothing is refreshed or written. Compared for open tickets: first_response_due,
fix_offered_due, resolution_due, sla_next_check_at, next_due_at (the earliest unmet one),
and whether the resolution clock is paused exactly while the ticket waits on the
customer's answer to a fix offer.

Two kinds of ticket are left alone, by the product's rules: a finished ticket keeps the
due times that applied when it finished (a later policy, calendar or tier change does not
rewrite history; it must only have no next check), and an open ticket whose site policy
was edited after its last event keeps its times until a supervisor recomputes them
("It applies to new tickets; recompute to apply it to open ones").
"""

from datetime import datetime

from core.vocabulary import OPEN_STATES
from maintenance.findings import Finding, TicketFacts
from tickets.deadlines import earliest_unmet_due, is_waiting_on_customer, next_check, plan_clocks

DUE_FIELDS = {
    "first_response_due": "first_response",
    "fix_offered_due": "fix_offered",
    "resolution_due": "resolution",
}


def _waits_for_recompute(facts: TicketFacts) -> bool:
    if facts.policy_edited_at is None or not facts.events:
        return False
    return facts.events[-1].created_at < facts.policy_edited_at


def _shown(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else "none"


def _finished_problems(facts: TicketFacts) -> list[Finding]:
    """A finished ticket is due no SLA check and counts as overdue for nothing."""
    ticket, found = facts.ticket, []
    if ticket.sla_next_check_at is not None:
        found.append(facts.finding("due_times", f"{ticket.status} but still due an SLA check at "
                                                f"{_shown(ticket.sla_next_check_at)}"))
    if ticket.next_due_at is not None:
        found.append(facts.finding("due_times", f"{ticket.status} but still overdue from "
                                                f"{_shown(ticket.next_due_at)}"))
    return found


def check_due_times(facts: TicketFacts) -> list[Finding]:
    """Open tickets: stored due times, next check and pause equal a recomputation."""
    ticket = facts.ticket
    if ticket.status not in OPEN_STATES:
        return _finished_problems(facts)
    if _waits_for_recompute(facts):
        return []
    plans = plan_clocks(ticket, facts.calendar, facts.policy)
    expected = {name: plans[clock].clock.due for name, clock in DUE_FIELDS.items()}
    expected["sla_next_check_at"] = next_check(ticket, plans)
    expected["next_due_at"] = earliest_unmet_due(ticket, plans)
    found = [
        facts.finding("due_times", f"{name} is {_shown(getattr(ticket, name))}, the policy "
                                   f"gives {_shown(moment)}")
        for name, moment in expected.items() if getattr(ticket, name) != moment
    ]
    paused = ticket.resolution_paused_since is not None
    if paused != is_waiting_on_customer(ticket):
        state = "paused" if paused else "running"
        found.append(facts.finding(
            "due_times", f"the resolution clock is {state} but the ticket "
                         f"{'does not wait' if paused else 'waits'} on the customer"))
    return found
