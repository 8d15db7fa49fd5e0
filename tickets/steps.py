"""The one entry point for a ticket step from the web form or the API.

Most steps are a single workflow action; a follow-up also carries out what the customer's
answer means (reopen or close), which lives in the follow-up loop.
"""

from datetime import datetime

from auth.models import User
from tickets.actions import perform
from tickets.models import Ticket


def take_step(
    ticket: Ticket, action: str, actor: User, data: dict, *, version: int | None, now: datetime
) -> Ticket:
    """Apply `action` (see tickets.workflow.Action) or raise a domain error."""
    if action == "follow_up":
        from followups.services import record_follow_up

        record_follow_up(ticket, actor, data, version=version, now=now)
        return ticket
    return perform(ticket, action, actor, data, version=version, now=now)
