"""The follow-up loop's part in a ticket's life, connected at app start by `connect()`.

- A resolved ticket gets its check-in and survey planned.
- Reopening or closing a ticket by hand ends the follow-ups still open.
- A follow-up attempt (staff on the web or API, or the customer through the survey link,
  all through the `follow_up` ticket action) is recorded here, and what the answer means
  is carried out: a dissatisfied customer reopens the ticket to its owner and tells the
  site's supervisors; an answered survey, or a customer proved unreachable, closes it.

Everything runs in the caller's transaction.
"""

from datetime import datetime

from auth.models import User
from core.messages import Message, define
from core.words import N_
from followups.loop import apply_attempt, end_open_follow_ups, latest_verdict, plan_follow_ups
from followups.rules import Verdict
from notifications import kinds
from notifications.services import active_supervisors, notify
from notifications.wording import Listing
from tickets import hooks, signals
from tickets.actions import perform
from tickets.models import Ticket

REOPENED_AT_CSAT = define(
    "follow_up.reopened_csat",
    N_("The customer is not satisfied after the follow-up (CSAT %(score)s): reopened."))
REOPENED_AT_CSAT_NOT_RECOVERED = define(
    "follow_up.reopened_csat_not_recovered",
    N_("The customer is not satisfied after the follow-up (CSAT %(score)s, not recovered): "
       "reopened."))
REOPENED_NOT_RECOVERED = define(
    "follow_up.reopened_not_recovered",
    N_("The customer is not satisfied after the follow-up (not recovered): reopened."))
REOPENED_DISSATISFIED = define(
    "follow_up.reopened_dissatisfied",
    N_("The customer is not satisfied after the follow-up (dissatisfied): reopened."))
CLOSE_NOTES = {
    Verdict.CLOSE_ANSWERED: define(
        "follow_up.closed_answered", N_("Survey answered: the follow-up loop is complete.")),
    Verdict.CLOSE_UNREACHABLE: define(
        "follow_up.closed_unreachable",
        N_("Closed after three attempts that could not reach the customer.")),
}


def _reopen_reason(data: dict) -> Message:
    """Why the loop reopened the ticket, as the timeline shows it in each reader's words."""
    score, not_recovered = data.get("csat"), data.get("recovered") is False
    if score is not None:
        return (REOPENED_AT_CSAT_NOT_RECOVERED if not_recovered else REOPENED_AT_CSAT)(
            score=score)
    return REOPENED_NOT_RECOVERED() if not_recovered else REOPENED_DISSATISFIED()


def _told_answer(data: dict) -> Listing:
    """The customer's answer as the notification shows it, in each reader's words."""
    parts = []
    if data.get("csat") is not None:
        parts.append(kinds.ANSWER_CSAT(score=data["csat"]))
    if data.get("recovered") is False:
        parts.append(kinds.ANSWER_NOT_RECOVERED())
    return Listing(tuple(parts or [kinds.ANSWER_DISSATISFIED()]))


def _notify_reopened(ticket: Ticket, data: dict, now: datetime) -> None:
    owner = ticket.owner.display_name if ticket.owner else kinds.ITS_OWNER()
    message = kinds.FOLLOW_UP_REOPENED(ref=ticket.ref, answer=_told_answer(data), owner=owner)
    recipients = [ticket.owner, *active_supervisors(ticket.site)]
    notify(recipients, "follow_up_reopened", message, ticket=ticket, now=now)


def carry_out_verdict(ticket: Ticket, data: dict, now: datetime) -> Verdict:
    """Reopen or close the ticket as its latest follow-up answer (`data`) says."""
    outcome = latest_verdict(ticket)
    if outcome is Verdict.REOPEN:
        reason = _reopen_reason(data)
        perform(ticket, "reopen", None, {"reason": str(reason)}, version=None, now=now,
                note=reason)
        _notify_reopened(ticket, data, now)
    elif outcome in CLOSE_NOTES:
        note = CLOSE_NOTES[outcome]()
        perform(ticket, "close", None, {"note": str(note)}, version=None, now=now, note=note)
    return outcome


def record_follow_up(
    ticket: Ticket, actor: User | None, data: dict, *, version: int | None, now: datetime
) -> Verdict:
    """Record one attempt (`actor` None: the customer through the survey link) and carry
    out what it means. Returns what happened."""
    perform(ticket, "follow_up", actor, data, version=version, now=now)
    return latest_verdict(ticket)


def _on_step(ticket: Ticket, *, action: str, actor: User | None, data: dict,
             now: datetime) -> None:
    if action == "resolve":
        plan_follow_ups(ticket, now)
    elif action in ("reopen", "close"):
        end_open_follow_ups(ticket, now, "cancelled")
    elif action == "follow_up":
        carry_out_verdict(ticket, data, now)


def connect() -> None:
    """Fill the tickets package's follow-up hook and listen to its steps (idempotent)."""
    hooks.record_follow_up_attempt.register(apply_attempt)
    signals.step_taken.connect(_on_step)
