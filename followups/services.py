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
from followups.loop import apply_attempt, end_open_follow_ups, latest_verdict, plan_follow_ups
from followups.rules import Verdict
from notifications.services import active_supervisors, notify
from tickets import hooks, signals
from tickets.actions import perform
from tickets.models import Ticket

REOPEN_REASON = "The customer is not satisfied after the follow-up ({answer}): reopened."
CLOSE_NOTES = {
    Verdict.CLOSE_ANSWERED: "Survey answered: the follow-up loop is complete.",
    Verdict.CLOSE_UNREACHABLE: "Closed after three attempts that could not reach the customer.",
}


def _answer_words(data: dict) -> str:
    parts = []
    if data.get("csat") is not None:
        parts.append(f"CSAT {data['csat']}")
    if data.get("recovered") is False:
        parts.append("not recovered")
    return ", ".join(parts) or "dissatisfied"


def _notify_reopened(ticket: Ticket, answer: str, now: datetime) -> None:
    message = (
        f"{ticket.ref}: the customer is not satisfied after the follow-up "
        f"({answer}); the ticket is reopened to "
        f"{ticket.owner.display_name if ticket.owner else 'its owner'}."
    )
    recipients = [ticket.owner, *active_supervisors(ticket.site)]
    notify(recipients, "follow_up_reopened", message, ticket=ticket, now=now)


def carry_out_verdict(ticket: Ticket, data: dict, now: datetime) -> Verdict:
    """Reopen or close the ticket as its latest follow-up answer (`data`) says."""
    outcome = latest_verdict(ticket)
    if outcome is Verdict.REOPEN:
        answer = _answer_words(data)
        reason = REOPEN_REASON.format(answer=answer)
        perform(ticket, "reopen", None, {"reason": reason}, version=None, now=now)
        _notify_reopened(ticket, answer, now)
    elif outcome in CLOSE_NOTES:
        perform(ticket, "close", None, {"note": CLOSE_NOTES[outcome]}, version=None, now=now)
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
