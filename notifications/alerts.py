"""Who hears about what happens to a ticket. Receivers of the tickets package's signals,
connected at app start by `connect()`.

A step tells the person who must act next, never the one who acted.

A fix over the owner's limit goes to those who can approve it; a decline to the supervisor
asked to sign it off; a handover to its receiver; a manual escalation to the level it
reaches; a decision (approved, sent back) and a reopening back to the owner. Critical and
safety tickets are delivered at once, the rest in the recipient's site hours. A safety
complaint reaches managers and the site's supervisors as it is opened; a complaint the guest
sent themselves (the web form, e-mail) reaches the site's front desk and supervisors; each
escalation step of the SLA sweep reaches the level it climbs to (`LadderAlerts`).
"""

from datetime import datetime

from sqlalchemy import select

from auth.models import User
from core.messages import Message
from core.vocabulary import Role, Status
from extensions import db
from notifications import kinds
from notifications.services import (
    Notice,
    StaffOnCall,
    active_managers,
    active_supervisors,
    notify,
    notify_all,
)
from notifications.wording import Money
from sla.ladder import Step
from tickets import signals
from tickets.escalation import STEP_EVENTS
from tickets.limits import empowerment_limit, within_limit
from tickets.models import Ticket
from tickets.workflow import Action


def _approvers(ticket: Ticket) -> list[User]:
    """Supervisors of the site who may approve the pending fix, else the managers."""
    offer = ticket.current_offer
    able = [
        person for person in active_supervisors(ticket.site)
        if offer is None or within_limit(offer.compensation, empowerment_limit(
            person.role, ticket.site))
    ]
    return able or active_managers()


def _pending(ticket: Ticket) -> tuple[list, Message]:
    if ticket.pending_approval_kind == "decline":
        return [ticket.signoff_requested_from], kinds.DECLINE_WAITS(ref=ticket.ref)
    offer = ticket.current_offer
    amount = Money(offer.compensation, offer.currency) if offer else "—"
    return _approvers(ticket), kinds.FIX_WAITS(ref=ticket.ref, amount=amount)


def _escalated(ticket: Ticket, actor: User) -> tuple[list, Message]:
    level = ticket.escalation_level
    if level >= 2:
        people, told = active_managers(), kinds.ESCALATED_TO_MANAGERS
    else:
        people, told = active_supervisors(ticket.site), kinds.ESCALATED_TO_SUPERVISORS
    return people + [ticket.owner], told(ref=ticket.ref, level=level, actor=actor.display_name)


def _recipients_and_message(ticket: Ticket, action: str,
                            actor: User) -> tuple[list, Message | None]:
    owner, ref, name = ticket.owner, ticket.ref, actor.display_name
    if action in (Action.OFFER_FIX, Action.DECLINE) and ticket.status == Status.AWAITING_APPROVAL:
        return _pending(ticket)
    if action in ("transfer", "reassign") and ticket.pending_transfer_to is not None:
        return [ticket.pending_transfer_to], kinds.HANDED_TO_YOU(ref=ref, actor=name)
    if action == "reassign":
        return [owner], kinds.GIVEN_TO_YOU(ref=ref, actor=name)
    if action == "escalate":
        return _escalated(ticket, actor)
    if action in ("approve", "reject"):
        told = kinds.REQUEST_APPROVED if action == "approve" else kinds.REQUEST_SENT_BACK
        return [owner], told(ref=ref, actor=name)
    if action == "reopen":
        return [owner], kinds.REOPENED_BY(ref=ref, actor=name)
    return [], None


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


def _on_step(ticket: Ticket, *, action: str, actor: User | None, data: dict,
             now: datetime) -> None:
    after_step(ticket, action, actor, now)


GUEST_COMPLAINED = {"web": kinds.GUEST_COMPLAINED_WEB, "email": kinds.GUEST_COMPLAINED_EMAIL}


def _site_desk_and_supervisors(site) -> list[User]:
    """The site's active front-desk users and supervisors: who is on duty for new tickets."""
    stmt = select(User).where(
        User.site_id == site.id, User.active.is_(True),
        User.role.in_([str(Role.FRONT_DESK), str(Role.SUPERVISOR)]),
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def _customer_opened(ticket: Ticket, now: datetime) -> None:
    """A ticket the guest opened (the web form, e-mail) waits for someone at the site to own
    it: the site's front desk and supervisors are told (in their site's hours)."""
    message = GUEST_COMPLAINED.get(ticket.channel, kinds.GUEST_COMPLAINED)(ref=ticket.ref)
    notify(_site_desk_and_supervisors(ticket.site), "customer_opened", message, ticket=ticket,
           now=now)


def _on_opened(ticket: Ticket, *, actor: User | None, now: datetime) -> None:
    """A safety or health complaint reaches the managers and site supervisors at once; a
    complaint the customer sent themselves (no actor) reaches the site's staff."""
    if actor is None:
        _customer_opened(ticket, now)
    if not ticket.is_safety:
        return
    message = kinds.SAFETY_COMPLAINT(ref=ticket.ref, site=ticket.site.name)
    recipients = active_managers() + active_supervisors(ticket.site)
    notify(recipients, "safety", message, ticket=ticket, critical=True, now=now)


class LadderAlerts:
    """Tells the people of each escalation step the sweep took, a batch of tickets at a
    time: one per pass (`jobs.sweep`), handed to `tickets.escalation.climb_due_tickets`.

    The owner's warning goes to the owner (else the receiver of a pending handover, else
    the site's supervisors), level 1 to the site's supervisors and the owner, level 2 to
    the managers; critical and safety tickets at once. The supervisors and managers are
    read once a pass, and a batch's notifications are written together.
    """

    def __init__(self, staff: StaffOnCall | None = None) -> None:
        self.staff = staff or StaffOnCall()

    def __call__(self, climbed: list[tuple[Ticket, list]], now: datetime) -> None:
        """`climbed`: (ticket, [(step, note)…]) for each ticket that took steps, in order."""
        notices = [
            Notice(self._recipients(ticket, step), STEP_EVENTS[step], message, ticket=ticket,
                   critical=ticket.severity == "critical" or ticket.is_safety)
            for ticket, taken in climbed
            for step, message in taken
        ]
        notify_all(notices, now=now)

    def _recipients(self, ticket: Ticket, step: Step) -> list:
        if step is Step.LEVEL_2:
            return self.staff.managers()
        if step is Step.LEVEL_1:
            return self.staff.supervisors(ticket.site) + [u for u in (ticket.owner,) if u]
        person = ticket.owner or ticket.pending_transfer_to
        return [person] if person else self.staff.supervisors(ticket.site)


def connect() -> None:
    """Listen to the tickets package (idempotent: blinker keeps one connection each). The
    sweep's ladder steps are told by `LadderAlerts`, which the sweep hands down."""
    signals.step_taken.connect(_on_step)
    signals.ticket_opened.connect(_on_opened)
