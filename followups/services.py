"""Recording follow-ups and carrying out what the answer means. The caller commits.

Staff (web form, API) and the customer (survey link) go through `record_follow_up`, so
a survey answered at home counts exactly like one taken on the phone.
"""

from datetime import datetime

from auth.models import User
from followups.loop import latest_verdict
from followups.rules import Verdict
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


def _notify_reopened(ticket: Ticket, data: dict, now: datetime) -> None:
    from notifications.services import active_supervisors, notify

    message = (
        f"{ticket.ref}: the customer is not satisfied after the follow-up "
        f"({_answer_words(data)}); the ticket is reopened to "
        f"{ticket.owner.display_name if ticket.owner else 'its owner'}."
    )
    recipients = [ticket.owner, *active_supervisors(ticket.site)]
    notify(recipients, "follow_up_reopened", message, ticket=ticket, now=now)


def record_follow_up(
    ticket: Ticket,
    actor: User | None,
    data: dict,
    *,
    version: int | None,
    now: datetime,
) -> Verdict:
    """Record one attempt (`actor` None: the customer through the survey link), then
    reopen the ticket to its owner when the customer is dissatisfied, or close it when
    the survey is answered or the customer proved unreachable. Returns what happened."""
    perform(ticket, "follow_up", actor, data, version=version, now=now)
    outcome = latest_verdict(ticket)
    if outcome is Verdict.REOPEN:
        reason = REOPEN_REASON.format(answer=_answer_words(data))
        perform(ticket, "reopen", None, {"reason": reason}, version=None, now=now)
        _notify_reopened(ticket, data, now)
    elif outcome in CLOSE_NOTES:
        perform(ticket, "close", None, {"note": CLOSE_NOTES[outcome]}, version=None, now=now)
    return outcome
