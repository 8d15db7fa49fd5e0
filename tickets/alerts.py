"""Who hears about a ticket step: the person who must act next, never the one who acted.

A fix over the owner's limit goes to those who can approve it; a decline to the supervisor
asked to sign it off; a handover to its receiver; a manual escalation to the level it
reaches; a decision (approved, sent back) and a reopening back to the owner. Critical and
safety tickets are delivered at once, the rest in the recipient's site hours.
"""

from datetime import datetime

from auth.models import User
from notifications.services import active_managers, active_supervisors, notify
from tickets.limits import empowerment_limit, within_limit
from tickets.models import Ticket


def _approvers(ticket: Ticket) -> list[User]:
    """Supervisors of the site who may approve the pending fix, else the managers."""
    offer = ticket.current_offer
    able = [
        person for person in active_supervisors(ticket.site)
        if offer is None or within_limit(offer.compensation, empowerment_limit(
            person.role, ticket.site))
    ]
    return able or active_managers()


def _pending(ticket: Ticket) -> tuple[list, str]:
    if ticket.pending_approval_kind == "decline":
        return [ticket.signoff_requested_from], f"{ticket.ref}: a decline waits for your sign-off."
    offer = ticket.current_offer
    amount = f"{offer.compensation} {offer.currency}" if offer else ""
    return _approvers(ticket), f"{ticket.ref}: a fix of {amount} waits for your approval."


def _escalated(ticket: Ticket, actor: User) -> tuple[list, str]:
    level = ticket.escalation_level
    people = active_managers() if level >= 2 else active_supervisors(ticket.site)
    who = "managers" if level >= 2 else "supervisors"
    return people + [ticket.owner], (
        f"{ticket.ref}: escalated by hand to {who} (level {level}) by {actor.display_name}."
    )


def _recipients_and_message(ticket: Ticket, action: str, actor: User) -> tuple[list, str]:
    owner = ticket.owner
    if action in ("offer_fix", "decline") and ticket.status == "awaiting_approval":
        return _pending(ticket)
    if action in ("transfer", "reassign") and ticket.pending_transfer_to is not None:
        return [ticket.pending_transfer_to], (
            f"{ticket.ref}: {actor.display_name} hands this ticket to you; accept it to own it."
        )
    if action == "reassign":
        return [owner], f"{ticket.ref}: {actor.display_name} gave this ticket to you."
    if action == "escalate":
        return _escalated(ticket, actor)
    if action in ("approve", "reject"):
        verb = "approved" if action == "approve" else "sent back"
        return [owner], f"{ticket.ref}: {actor.display_name} {verb} your request."
    if action == "reopen":
        return [owner], f"{ticket.ref}: reopened by {actor.display_name}."
    return [], ""


def after_step(ticket: Ticket, action: str, actor: User | None, now: datetime) -> None:
    """Tell whoever must act next about `action` on `ticket` (system steps tell nobody:
    the sweep and the follow-up loop send their own, more precise messages)."""
    if actor is None:
        return
    people, message = _recipients_and_message(ticket, action, actor)
    people = [person for person in people if person is not None and person.id != actor.id]
    if people:
        critical = ticket.severity == "critical" or ticket.is_safety
        notify(people, f"ticket_{action}", message, ticket=ticket, critical=critical, now=now)
