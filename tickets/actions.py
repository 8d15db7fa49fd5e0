"""Ticket actions: one entry point applies the workflow table, then the action's effect.

`perform` checks freshness (version), the transition (state × action × who), the fields,
applies the change, appends the audit event and flushes. The caller commits.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from auth.models import User
from core.validation import ValidationFailed
from extensions import db
from followups import loop
from tickets import alerts, workflow
from tickets.attachments import new_attachment
from tickets.audit import diff, record_event, snapshot
from tickets.deadlines import refresh_deadlines, restart_clock
from tickets.errors import ActionRefused, TicketConflict
from tickets.limits import empowerment_limit, within_limit
from tickets.models import Category, FixOffer, PreventionAction, Ticket

Applier = Callable[[Ticket, User, dict, datetime], tuple[str, dict]]


def workflow_actor(ticket: Ticket, user: User | None) -> workflow.Actor:
    if user is None:
        return workflow.Actor(role=workflow.Role.MANAGER, is_system=True)
    return workflow.Actor(
        role=workflow.Role(user.role),
        is_owner=ticket.owner_id is not None and ticket.owner_id == user.id,
        is_transfer_target=ticket.pending_transfer_to_id == user.id,
    )


def transition_context(ticket: Ticket) -> dict:
    return {
        "has_pending_transfer": ticket.pending_transfer_to_id is not None
        and ticket.status != workflow.Status.NEW,
        "escalation_level": ticket.escalation_level,
        "pending_kind": ticket.pending_approval_kind,
    }


def available_actions(ticket: Ticket, user: User) -> list[workflow.Action]:
    """The actions this user may take on this ticket now (buttons and forms)."""
    return workflow.allowed_actions(
        workflow.Status(ticket.status), workflow_actor(ticket, user), **transition_context(ticket)
    )


def ensure_fresh(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise TicketConflict(ticket)


def _colleague(username: str, ticket: Ticket, field: str, roles: tuple[str, ...]) -> User:
    """An active user of the ticket's site (or a manager) with one of `roles`."""
    user = db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    )
    if user is None or not user.is_active:
        raise ValidationFailed({field: f"No active colleague called '{username}'."})
    if user.role not in roles:
        raise ValidationFailed({field: f"{user.display_name} cannot take this on (role)."})
    if user.site_id != ticket.site_id and user.role != "manager":
        raise ValidationFailed({field: f"{user.display_name} works at another site."})
    return user


def perform(
    ticket: Ticket,
    action: str,
    actor: User | None,
    data: dict,
    *,
    version: int | None,
    now: datetime,
) -> Ticket:
    """Apply `action` by `actor` (None = the system) to `ticket`, or raise a domain error."""
    ensure_fresh(ticket, version)
    try:
        action = workflow.Action(action)
    except ValueError:
        raise ActionRefused(f"'{action}' is not a ticket action.") from None
    try:
        workflow.check_transition(
            workflow.Status(ticket.status),
            action,
            workflow_actor(ticket, actor),
            **transition_context(ticket),
        )
        cleaned = workflow.validate(
            action, data, now=now, role=actor.role if actor is not None else None
        )
    except workflow.TransitionRefused as refused:
        raise ActionRefused(refused.reason) from None
    except workflow.FieldErrors as failed:
        raise ValidationFailed(failed.fields) from None
    before = snapshot(ticket)
    with db.session.no_autoflush:
        note, extra = APPLIERS[action](ticket, actor, cleaned, now)
        ticket.updated_at = now
        flag_modified(ticket, "updated_at")  # every step is a change: one new version
        refresh_deadlines(ticket, now)
    changes = {**diff(before, snapshot(ticket)), **extra}
    record_event(ticket, actor, str(action), now, changes, note)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise TicketConflict(db.session.get(Ticket, ticket.id)) from None
    alerts.after_step(ticket, str(action), actor, now)
    return ticket


def _move(ticket: Ticket, status: workflow.Status) -> None:
    ticket.status = str(status)


def _own(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    ticket.owner = actor
    ticket.pending_transfer_to = None
    ticket.acknowledgement = data["acknowledgement"]
    _promise(ticket, data["next_contact_by"], now)
    ticket.owned_at = ticket.owned_at or now
    _move(ticket, workflow.Status.OWNED)
    return data["acknowledgement"], {}


def _promise(ticket: Ticket, moment: datetime, now: datetime) -> None:
    """A new "next contact by" promise to the customer starts a new next-contact clock."""
    ticket.next_contact_by = moment
    ticket.next_contact_set_at = now
    ticket.next_contact_met_at = None
    restart_clock(ticket, "next_contact")


def _log_contact(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    """A contact keeps the standing promise when it happens by the promised time."""
    extra = {"channel": [None, data["channel"]]}
    if ticket.next_contact_by is not None:
        kept = now <= ticket.next_contact_by
        extra["promise"] = [ticket.next_contact_by.isoformat(), "kept" if kept else "broken"]
    if data.get("next_contact_by"):
        _promise(ticket, data["next_contact_by"], now)
    elif ticket.next_contact_by is not None and ticket.next_contact_met_at is None:
        ticket.next_contact_met_at = now
    return data["note"], extra


def _offer_fix(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    limit = empowerment_limit(actor.role, ticket.site) if actor else None
    over_limit = not within_limit(data["compensation"], limit)
    offer = FixOffer(
        ticket=ticket,
        action=data["action"],
        remedy_type=str(data["remedy_type"]),
        compensation=data["compensation"],
        currency=ticket.site.currency,
        committed_by=data["committed_by"],
        offered_by=actor,
        offered_at=now,
        needs_approval=over_limit,
    )
    db.session.add(offer)
    ticket.customer_response = None
    if over_limit:
        ticket.pending_approval_kind = "fix"
        _move(ticket, workflow.Status.AWAITING_APPROVAL)
    else:
        ticket.fix_offered_at = ticket.fix_offered_at or now
        _move(ticket, workflow.Status.FIX_OFFERED)
    extra = {
        "fix": [None, f"{data['remedy_type']} {data['compensation']} {ticket.site.currency}"],
    }
    if over_limit:
        extra["approval"] = [None, f"needed: over the limit of {limit} {ticket.site.currency}"]
    return data["action"], extra


def _record_response(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    offer = ticket.current_offer
    response = str(data["customer_response"])
    offer.customer_response, offer.responded_at = response, now
    ticket.customer_response = response
    return data.get("note", ""), {}


def _approve(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    if ticket.pending_approval_kind == "decline":
        ticket.declined_at = now
        ticket.pending_approval_kind = None
        ticket.signoff_requested_from = None
        _move(ticket, workflow.Status.DECLINED)
        return data.get("note", ""), {"signed_off_by": [None, actor.username]}
    offer = ticket.current_offer
    limit = empowerment_limit(actor.role, ticket.site)
    if not within_limit(offer.compensation, limit):
        raise ActionRefused(
            f"This fix ({offer.compensation} {offer.currency}) is above your own limit of "
            f"{limit} {offer.currency}: a manager must approve it."
        )
    offer.approved_by, offer.approved_at = actor, now
    ticket.pending_approval_kind = None
    ticket.fix_offered_at = ticket.fix_offered_at or now
    _move(ticket, workflow.Status.FIX_OFFERED)
    return data.get("note", ""), {"approved_by": [None, actor.username]}


def _reject(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    if ticket.pending_approval_kind == "decline":
        ticket.decline_reason = ""
        ticket.alternative_offered = ""
        ticket.signoff_requested_from = None
    ticket.pending_approval_kind = None
    _move(ticket, workflow.Status.OWNED)
    return data["reason"], {}


def _resolve(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    for name in ("outcome", "root_cause_note", "beyond_expectation"):
        setattr(ticket, name, data.get(name) or "")
    for name in ("customer_response", "root_cause", "fault"):
        setattr(ticket, name, str(data[name]))
    offer = ticket.current_offer
    if offer is not None and offer.customer_response is None:
        offer.customer_response, offer.responded_at = ticket.customer_response, now
    if data.get("prevention_action"):
        db.session.add(
            PreventionAction(
                ticket=ticket,
                action=data["prevention_action"],
                owner_name=data.get("prevention_owner") or "",
                due_on=data.get("prevention_due"),
                created_at=now,
            )
        )
    ticket.resolved_at = now
    _move(ticket, workflow.Status.RESOLVED)
    loop.plan_follow_ups(ticket, now)
    return data["outcome"], {}


def _decline(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    if actor.role == "front_desk":
        ticket.signoff_requested_from = _colleague(
            data["signed_off_by"], ticket, "signed_off_by", ("supervisor", "manager")
        )
    ticket.decline_reason = data["reason"]
    ticket.alternative_offered = data["alternative_offered"]
    if actor.role == "front_desk":
        ticket.pending_approval_kind = "decline"
        _move(ticket, workflow.Status.AWAITING_APPROVAL)
    else:
        ticket.declined_at = now
        _move(ticket, workflow.Status.DECLINED)
    return data["reason"], {}


def _transfer(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    receiver = _colleague(data["to"], ticket, "to", ("front_desk", "supervisor", "manager"))
    if receiver.id == ticket.owner_id:
        raise ValidationFailed({"to": "That person already owns this ticket."})
    ticket.pending_transfer_to = receiver
    return data["handover_note"], {}


def _accept_transfer(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    ticket.owner = actor
    ticket.pending_transfer_to = None
    return data.get("note", ""), {}


def _reassign(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    """A supervisor hands the ticket over; a new ticket is routed to the person to own."""
    receiver = _colleague(data["to"], ticket, "to", ("front_desk", "supervisor", "manager"))
    if ticket.status == workflow.Status.NEW:
        ticket.pending_transfer_to = receiver
    else:
        ticket.owner = receiver
        ticket.pending_transfer_to = None
    return data["reason"], {}


def _escalate(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    ticket.escalation_level += 1
    return data["reason"], {}


def _reopen(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    ticket.reopened_count += 1
    ticket.reopened_at = now
    ticket.pending_approval_kind = None
    ticket.resolution_paused_seconds = 0
    ticket.resolution_paused_since = None
    restart_clock(ticket, "resolution")
    _move(ticket, workflow.Status.OWNED)
    _follow_ups_ended(ticket, now)
    return data["reason"], {}


def _close(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    ticket.closed_at = now
    _move(ticket, workflow.Status.CLOSED)
    _follow_ups_ended(ticket, now)
    return data.get("note", ""), {}


def _follow_ups_ended(ticket: Ticket, now: datetime) -> None:
    """Reopening or closing by hand ends the follow-ups still open (none after a survey)."""
    loop.end_open_follow_ups(ticket, now, "cancelled")


def _complete_prevention(ticket: Ticket, actor: User, data: dict, now: datetime):
    """Mark one of the ticket's prevention actions done (once)."""
    action = next((p for p in ticket.prevention_actions if p.id == data["prevention_id"]), None)
    if action is None:
        raise ValidationFailed({"prevention_id": "This ticket has no such prevention action."})
    if action.done_at is not None:
        raise ActionRefused("That prevention action is already done.")
    action.done_at = now
    return data.get("note", ""), {"prevention": [None, f"done: {action.action}"]}


def _add_attachment(ticket: Ticket, actor: User, data: dict, now: datetime):
    attachment = new_attachment(data, actor, now)
    attachment.ticket = ticket
    db.session.add(attachment)
    size = f"{attachment.file_name} ({attachment.content_type}, {attachment.size} bytes)"
    return data.get("note", ""), {"attachment": [None, size]}


def _follow_up(ticket: Ticket, actor: User | None, data: dict, now: datetime):
    return loop.apply_attempt(ticket, actor, data, now)


def _reclassify(ticket: Ticket, actor: User, data: dict, now: datetime) -> tuple[str, dict]:
    """Correct the dimension, category or severity; the SLA clocks follow the new class."""
    category = db.session.get(Category, data["category_id"])
    if category is None or not category.active:
        raise ValidationFailed({"category_id": "Choose a category."})
    if ticket.is_safety and data["severity"] != "critical":
        raise ValidationFailed({"severity": "A safety or health ticket stays critical."})
    ticket.dimension, ticket.category, ticket.severity = (
        data["dimension"],
        category,
        data["severity"],
    )
    return data["reason"], {}


APPLIERS: dict[workflow.Action, Applier] = {
    workflow.Action.OWN: _own,
    workflow.Action.LOG_CONTACT: _log_contact,
    workflow.Action.OFFER_FIX: _offer_fix,
    workflow.Action.RECORD_RESPONSE: _record_response,
    workflow.Action.APPROVE: _approve,
    workflow.Action.REJECT: _reject,
    workflow.Action.RESOLVE: _resolve,
    workflow.Action.DECLINE: _decline,
    workflow.Action.TRANSFER: _transfer,
    workflow.Action.ACCEPT_TRANSFER: _accept_transfer,
    workflow.Action.REASSIGN: _reassign,
    workflow.Action.ESCALATE: _escalate,
    workflow.Action.REOPEN: _reopen,
    workflow.Action.CLOSE: _close,
    workflow.Action.RECLASSIFY: _reclassify,
    workflow.Action.FOLLOW_UP: _follow_up,
    workflow.Action.COMPLETE_PREVENTION: _complete_prevention,
    workflow.Action.ADD_ATTACHMENT: _add_attachment,
}
