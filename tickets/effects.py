"""What each ticket action does to the ticket, once the workflow allowed it and its fields
are clean. One function per action, named in the registry.

An effect changes the ticket and adds rows; it never moves the ticket's status: it returns
an `Outcome` whose `route` the registry turns into the next state. `perform` writes the
audit event and flushes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from auth.models import User
from core.formatting import money as money_text
from core.messages import define
from core.validation import ValidationFailed
from core.vocabulary import Role, Severity, Status
from core.words import N_
from extensions import db
from tickets import hooks
from tickets.attachments import new_attachment
from tickets.deadlines import restart_clock
from tickets.errors import ActionForbidden, ActionRefused
from tickets.field_rules import CHOOSE_A_CATEGORY
from tickets.limits import empowerment_limit, within_limit
from tickets.models import Category, FixOffer, PreventionAction, Ticket

DONE = "done"
EVERYONE = (Role.FRONT_DESK, Role.SUPERVISOR, Role.MANAGER)
NO_SUCH_COLLEAGUE = define("ticket.no_such_colleague",
                           N_("No active colleague called '%(username)s'."))
WRONG_ROLE = define("ticket.colleague_wrong_role", N_("%(name)s cannot take this on (role)."))
OTHER_SITE = define("ticket.colleague_other_site", N_("%(name)s works at another site."))
ALREADY_OWNER = define("ticket.already_owner", N_("That person already owns this ticket."))
CHOOSE_DIMENSION = define("ticket.choose_dimension", N_("Choose what kind of service failed."))
OVER_OWN_LIMIT = define("ticket.over_own_limit", N_(
    "This fix (%(amount)s) is above your own limit of %(limit)s: a manager must approve it."))
NO_SUCH_PREVENTION = define("ticket.no_such_prevention",
                            N_("This ticket has no such prevention action."))
PREVENTION_ALREADY_DONE = define("ticket.prevention_already_done",
                                 N_("That prevention action is already done."))
SAFETY_STAYS_CRITICAL = define("ticket.safety_stays_critical",
                               N_("A safety or health ticket stays critical."))


@dataclass
class Outcome:
    """The audit note, extra audit changes, and which of the action's routes it took."""

    note: str = ""
    extra: dict = field(default_factory=dict)
    route: str = DONE


Effect = Callable[[Ticket, User | None, dict, datetime], Outcome]


def _colleague(username: str, ticket: Ticket, field_name: str, roles: tuple) -> User:
    """An active user of the ticket's site (or a manager) with one of `roles`."""
    user = db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    )
    if user is None or not user.is_active:
        raise ValidationFailed({field_name: NO_SUCH_COLLEAGUE(username=username)})
    if user.role not in roles:
        raise ValidationFailed({field_name: WRONG_ROLE(name=user.display_name)})
    if user.site_id != ticket.site_id and user.role != Role.MANAGER:
        raise ValidationFailed({field_name: OTHER_SITE(name=user.display_name)})
    return user


def _new_holder(ticket: Ticket, data: dict) -> User:
    """The colleague a ticket is handed to (`to`): anyone of the site but its owner."""
    receiver = _colleague(data["to"], ticket, "to", EVERYONE)
    if receiver.id == ticket.owner_id:
        raise ValidationFailed({"to": ALREADY_OWNER()})
    return receiver


def _promise(ticket: Ticket, moment: datetime, now: datetime) -> None:
    """A new "next contact by" promise to the customer starts a new next-contact clock."""
    ticket.next_contact_by = moment
    ticket.next_contact_set_at = now
    ticket.next_contact_met_at = None
    restart_clock(ticket, "next_contact")


ACKNOWLEDGEMENT_MAIL = {True: "send", False: "not sent (staff choice)"}


def _active_category(category_id: int | None) -> Category | None:
    """The category a person chose, while it is in use; None when there is none such."""
    category = db.session.get(Category, category_id) if category_id else None
    return category if category is not None and category.active else None


def _classification(ticket: Ticket, data: dict) -> tuple[str, Category]:
    """The class an unclassified ticket takes as it is owned: the dimension chosen (or the
    one the customer's answer suggested) and an active category; ValidationFailed naming
    what is missing, before anything is written."""
    dimension = data.get("dimension") or ticket.dimension
    category = _active_category(data.get("category_id") or ticket.category_id)
    errors = {}
    if dimension is None:
        errors["dimension"] = CHOOSE_DIMENSION()
    if category is None:
        errors["category_id"] = CHOOSE_A_CATEGORY()
    if errors:
        raise ValidationFailed(errors)
    return dimension, category


def own(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """Take the ticket: an unclassified one (the customer opened it) is classified in the
    same step; a classified one keeps its class (reclassify is its own step). The owner's
    choice about the written acknowledgement is audited when the customer has an e-mail."""
    if not ticket.is_classified:
        ticket.dimension, ticket.category = _classification(ticket, data)
    ticket.owner = actor
    ticket.pending_transfer_to = None
    ticket.acknowledgement = data["acknowledgement"]
    _promise(ticket, data["next_contact_by"], now)
    ticket.owned_at = ticket.owned_at or now
    extra = {}
    if ticket.customer.email:
        choice = ACKNOWLEDGEMENT_MAIL[data.get("send_acknowledgement", True) is not False]
        extra["acknowledgement_mail"] = [None, choice]
    return Outcome(data["acknowledgement"], extra)


def _contact_made(ticket: Ticket, channel: str, data: dict, now: datetime) -> dict:
    """A contact keeps the standing promise when it happens by the promised time; a new
    promise (`next_contact_by`) starts the next-contact clock again. Returns the audit extra."""
    extra = {"channel": [None, channel]}
    if ticket.next_contact_by is not None:
        kept = now <= ticket.next_contact_by
        extra["promise"] = [ticket.next_contact_by.isoformat(), "kept" if kept else "broken"]
    if data.get("next_contact_by"):
        _promise(ticket, data["next_contact_by"], now)
    elif ticket.next_contact_by is not None and ticket.next_contact_met_at is None:
        ticket.next_contact_met_at = now
    return extra


def log_contact(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    return Outcome(data["note"], _contact_made(ticket, data["channel"], data, now))


REPLY_MAIL = {True: "queued", False: "not mailed (no e-mail address)"}


def reply(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """A written reply counts as a contact by e-mail. The message itself is composed and
    queued by the correspondence package, which listens to this step."""
    extra = _contact_made(ticket, "email", data, now)
    extra["reply_mail"] = [None, REPLY_MAIL[bool(ticket.customer.email)]]
    return Outcome(data["body"], extra)


def add_note(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """An internal note: on the timeline for colleagues, never shown or sent to the customer."""
    return Outcome(data["body"])


def offer_fix(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """A fix within the actor's empowerment limit is offered; above it, it waits for approval."""
    limit = empowerment_limit(actor.role, ticket.site) if actor else None
    over_limit = not within_limit(data["compensation"], limit)
    db.session.add(FixOffer(
        ticket=ticket,
        action=data["action"],
        remedy_type=str(data["remedy_type"]),
        compensation=data["compensation"],
        currency=ticket.site.currency,
        committed_by=data["committed_by"],
        offered_by=actor,
        offered_at=now,
        needs_approval=over_limit,
    ))
    ticket.customer_response = None
    extra = {
        "fix": [None, f"{data['remedy_type']} {data['compensation']} {ticket.site.currency}"],
    }
    if over_limit:
        ticket.pending_approval_kind = "fix"
        extra["approval"] = [None, f"needed: over the limit of {limit} {ticket.site.currency}"]
        return Outcome(data["action"], extra, route="needs_approval")
    ticket.fix_offered_at = ticket.fix_offered_at or now
    return Outcome(data["action"], extra, route="offered")


def record_response(ticket: Ticket, actor: User | None, data: dict, now: datetime) -> Outcome:
    """The customer's answer to the fix offered, recorded by its owner or given by the
    customer themselves on their status page (no actor: audited `answered_by: customer`)."""
    offer = ticket.current_offer
    response = str(data["customer_response"])
    offer.customer_response, offer.responded_at = response, now
    ticket.customer_response = response
    extra = {"answered_by": [None, "customer"]} if actor is None else {}
    return Outcome(data.get("note", ""), extra)


def _sign_off_decline(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    ticket.declined_at = now
    ticket.pending_approval_kind = None
    ticket.signoff_requested_from = None
    return Outcome(data.get("note", ""), {"signed_off_by": [None, actor.username]},
                   route="decline_signed_off")


def approve(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """Sign off a pending decline, or approve a fix within the approver's own limit."""
    if ticket.pending_approval_kind == "decline":
        return _sign_off_decline(ticket, actor, data, now)
    offer = ticket.current_offer
    limit = empowerment_limit(actor.role, ticket.site)
    if not within_limit(offer.compensation, limit):
        raise ActionForbidden(OVER_OWN_LIMIT(amount=money_text(offer.compensation, offer.currency),
                                             limit=money_text(limit, offer.currency)))
    offer.approved_by, offer.approved_at = actor, now
    ticket.pending_approval_kind = None
    ticket.fix_offered_at = ticket.fix_offered_at or now
    return Outcome(data.get("note", ""), {"approved_by": [None, actor.username]},
                   route="fix_approved")


def reject(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    if ticket.pending_approval_kind == "decline":
        ticket.decline_reason = ""
        ticket.alternative_offered = ""
        ticket.signoff_requested_from = None
    ticket.pending_approval_kind = None
    return Outcome(data["reason"])


def resolve(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    for name in ("outcome", "root_cause_note", "beyond_expectation"):
        setattr(ticket, name, data.get(name) or "")
    for name in ("customer_response", "root_cause", "fault"):
        setattr(ticket, name, str(data[name]))
    offer = ticket.current_offer
    if offer is not None and offer.customer_response is None:
        offer.customer_response, offer.responded_at = ticket.customer_response, now
    if data.get("prevention_action"):
        db.session.add(PreventionAction(
            ticket=ticket,
            action=data["prevention_action"],
            owner_name=data.get("prevention_owner") or "",
            due_on=data.get("prevention_due"),
            created_at=now,
        ))
    ticket.resolved_at = now
    return Outcome(data["outcome"])


def decline(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """Front desk asks the named supervisor to sign off; a supervisor's or manager's decline
    is signed off by that step, whoever owns the ticket."""
    needs_signoff = actor.role == Role.FRONT_DESK
    if needs_signoff:
        ticket.signoff_requested_from = _colleague(
            data["signed_off_by"], ticket, "signed_off_by", (Role.SUPERVISOR, Role.MANAGER)
        )
    ticket.decline_reason = data["reason"]
    ticket.alternative_offered = data["alternative_offered"]
    if needs_signoff:
        ticket.pending_approval_kind = "decline"
        return Outcome(data["reason"], route="needs_signoff")
    ticket.declined_at = now
    return Outcome(data["reason"], {"signed_off_by": [None, actor.username]},
                   route="declined")


def transfer(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    ticket.pending_transfer_to = _new_holder(ticket, data)
    return Outcome(data["handover_note"])


def accept_transfer(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    ticket.owner = actor
    ticket.pending_transfer_to = None
    return Outcome(data.get("note", ""))


def reassign(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """A supervisor hands the ticket over; a new ticket is routed to the person to own."""
    receiver = _new_holder(ticket, data)
    if ticket.status == Status.NEW:
        ticket.pending_transfer_to = receiver
    else:
        ticket.owner = receiver
        ticket.pending_transfer_to = None
    return Outcome(data["reason"])


def escalate(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    ticket.escalation_level += 1
    return Outcome(data["reason"])


def reopen(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """The resolution clock restarts (its pauses forgotten); the escalation level is kept."""
    ticket.reopened_count += 1
    ticket.reopened_at = now
    ticket.pending_approval_kind = None
    ticket.resolution_paused_seconds = 0
    ticket.resolution_paused_since = None
    restart_clock(ticket, "resolution")
    return Outcome(data["reason"])


def close(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    ticket.closed_at = now
    return Outcome(data.get("note", ""))


def complete_prevention(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """Mark one of the ticket's prevention actions done (once)."""
    action = next((p for p in ticket.prevention_actions if p.id == data["prevention_id"]), None)
    if action is None:
        raise ValidationFailed({"prevention_id": NO_SUCH_PREVENTION()})
    if action.done_at is not None:
        raise ActionRefused(PREVENTION_ALREADY_DONE())
    action.done_at = now
    return Outcome(data.get("note", ""), {"prevention": [None, f"done: {action.action}"]})


def add_attachment(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    attachment = new_attachment(data, actor, now)
    attachment.ticket = ticket
    db.session.add(attachment)
    size = f"{attachment.file_name} ({attachment.content_type}, {attachment.size} bytes)"
    return Outcome(data.get("note", ""), {"attachment": [None, size]})


def follow_up(ticket: Ticket, actor: User | None, data: dict, now: datetime) -> Outcome:
    """One attempt to reach the customer, recorded by the follow-up loop (a hook)."""
    note, extra = hooks.record_follow_up_attempt(ticket, actor, data, now)
    return Outcome(note, extra)


def reclassify(ticket: Ticket, actor: User, data: dict, now: datetime) -> Outcome:
    """Correct the dimension, category or severity; the SLA clocks follow the new class."""
    category = _active_category(data["category_id"])
    if category is None:
        raise ValidationFailed({"category_id": CHOOSE_A_CATEGORY()})
    if ticket.is_safety and data["severity"] != Severity.CRITICAL:
        raise ValidationFailed({"severity": SAFETY_STAYS_CRITICAL()})
    ticket.dimension, ticket.category, ticket.severity = (
        data["dimension"], category, data["severity"],
    )
    return Outcome(data["reason"])
