"""The invariants of one ticket: a legal state with the fields it requires, one owner,
a version per audit event, a trail that replays to the ticket, each ladder step once.

Each check takes a ticket's facts (`maintenance.findings.TicketFacts`) and returns its
findings; none queries the database (the batch read everything they need).
"""

from core.vocabulary import CustomerResponse, Fault, RootCause, Status, values
from maintenance.findings import Finding, TicketFacts
from tickets.escalation import STEP_EVENTS

STATUSES = values(Status)
# Fields each state requires (DOMAIN.md "Required to enter each state"); the owner is the
# `owner` check's, the fix offer and the pending approval have their own rules below.
REQUIRED = {
    Status.OWNED: ("acknowledgement", "next_contact_by", "owned_at"),
    Status.FIX_OFFERED: ("acknowledgement", "next_contact_by", "owned_at", "fix_offered_at"),
    Status.AWAITING_APPROVAL: ("acknowledgement", "next_contact_by", "owned_at",
                               "pending_approval_kind"),
    Status.RESOLVED: ("outcome", "customer_response", "root_cause", "fault", "resolved_at"),
    Status.DECLINED: ("decline_reason", "alternative_offered", "declined_at"),
    Status.CLOSED: ("closed_at",),
}
CHOICES = {
    "customer_response": values(CustomerResponse),
    "root_cause": values(RootCause),
    "fault": values(Fault),
}
LADDER_ACTIONS = set(STEP_EVENTS.values())
# Events after which a clock starts a new run (its ladder may climb again).
RESTARTS = {"resolution": {"reopen"}, "next_contact": {"own", "log_contact"}}


def _missing(ticket, name: str) -> bool:
    value = getattr(ticket, name)
    return value is None or (isinstance(value, str) and not value.strip())


def _offer_problem(ticket) -> str | None:
    """Why the current fix offer cannot stand behind a fix_offered ticket, if it cannot."""
    offer = ticket.current_offer
    if offer is None:
        return "fix_offered without a fix offer"
    if not (offer.action or "").strip() or offer.committed_by is None:
        return f"fix offer #{offer.id} lacks its action or committed-by time"
    if offer.compensation is None or offer.compensation < 0:
        return f"fix offer #{offer.id} has no valid compensation"
    if offer.needs_approval and offer.approved_at is None:
        return f"fix offer #{offer.id} is over the limit and was never approved"
    return None


def _approval_problem(ticket) -> str | None:
    kind = ticket.pending_approval_kind
    if kind == "decline":
        if ticket.signoff_requested_from_id is None:
            return "a decline awaits sign-off but names no signer"
        if _missing(ticket, "decline_reason") or _missing(ticket, "alternative_offered"):
            return "a decline awaits sign-off without its reason or alternative"
        return None
    if kind == "fix":
        offer = ticket.current_offer
        if offer is None or not offer.needs_approval or offer.approved_at is not None:
            return "awaits approval of a fix but has no unapproved over-limit offer"
        return None
    return f"awaiting_approval with pending_approval_kind {kind!r}"


def check_state(facts: TicketFacts) -> list[Finding]:
    """A status of the vocabulary, and the fields that status requires."""
    ticket = facts.ticket
    if ticket.status not in STATUSES:
        return [facts.finding("state", f"unknown status {ticket.status!r}")]
    status = Status(ticket.status)
    problems = [f"{status} without {name}" for name in REQUIRED.get(status, ())
                if _missing(ticket, name)]
    problems += [f"{name} {getattr(ticket, name)!r} is not one of {', '.join(choices)}"
                 for name, choices in CHOICES.items()
                 if status is Status.RESOLVED and not _missing(ticket, name)
                 and getattr(ticket, name) not in choices]
    if status is Status.FIX_OFFERED:
        problems.append(_offer_problem(ticket))
    if status is Status.AWAITING_APPROVAL and ticket.pending_approval_kind is not None:
        problems.append(_approval_problem(ticket))
    return [facts.finding("state", problem) for problem in problems if problem]


def check_owner(facts: TicketFacts) -> list[Finding]:
    """Every state but new has exactly one owner; a handover goes to someone else."""
    ticket = facts.ticket
    found = []
    if ticket.status != Status.NEW and ticket.owner_id is None:
        found.append(facts.finding("owner", f"{ticket.status} but nobody owns it"))
    if ticket.owner_id is not None and ticket.pending_transfer_to_id == ticket.owner_id:
        found.append(facts.finding("owner", "a handover is pending to its own owner"))
    return found


def check_version(facts: TicketFacts) -> list[Finding]:
    """Every change of a ticket is one audit event: version = number of events."""
    version, count = facts.ticket.version, len(facts.events)
    if version == count:
        return []
    return [facts.finding("version", f"version {version} but {count} audit event(s)")]


def _replay(facts: TicketFacts, name: str, start) -> tuple[object, str | None]:
    """Follow the [old, new] pairs of field `name` from the opened event on; returns the
    value reached and the first break in the chain (None when the chain holds)."""
    value = start
    for event in facts.events:
        pair = (event.changes or {}).get(name)
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        if pair[0] != value:
            return value, f"event #{event.id} ({event.action}) changes {name} from " \
                          f"{pair[0]!r} but it was {value!r}"
        value = pair[1]
    return value, None


def check_replay(facts: TicketFacts) -> list[Finding]:
    """The trail starts with "opened" and its status and owner changes replay to the
    ticket's current status and owner."""
    if not facts.events or facts.events[0].action != "opened":
        return [facts.finding("replay", "the audit trail does not start with 'opened'")]
    ticket = facts.ticket
    owner = ticket.owner.username if ticket.owner is not None else None
    found = []
    for name, current in (("status", ticket.status), ("owner", owner)):
        reached, broken = _replay(facts, name, None)
        if broken:
            found.append(facts.finding("replay", broken))
        elif reached != current:
            found.append(facts.finding(
                "replay", f"the trail's {name} ends at {reached!r}, the ticket has {current!r}"))
    return found


def check_escalations(facts: TicketFacts) -> list[Finding]:
    """Each ladder step at most once per clock and run of the clock (a reopened ticket's
    resolution clock, a new next-contact promise, may climb again)."""
    runs = {clock: 0 for clock in RESTARTS}
    seen, found = set(), []
    for event in facts.events:
        for clock, actions in RESTARTS.items():
            if event.action in actions:
                runs[clock] += 1
        if event.action not in LADDER_ACTIONS:
            continue
        pair = (event.changes or {}).get("clock")
        clock = pair[1] if isinstance(pair, list) and len(pair) == 2 else None
        key = (clock, runs.get(clock, 0), event.action)
        if key in seen:
            found.append(facts.finding(
                "escalation", f"{event.action} of the {clock} clock taken twice "
                              f"(again in event #{event.id})"))
        seen.add(key)
    return found
