"""The one entry point for a ticket step: `perform` applies a registry entry.

It checks freshness (version), the transition (state × action × who), the fields, applies
the effect, moves the ticket to the state the registry names for the effect's route,
checks the landing, appends the audit event, flushes and announces the step. It never
commits or rolls back: the request, command or job around it owns the transaction.
"""

from datetime import datetime

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from auth.models import User
from core.messages import Message, define
from core.validation import ValidationFailed
from core.vocabulary import Role, Status
from core.words import N_
from extensions import db
from tickets import field_rules, registry, signals, workflow
from tickets.audit import diff, record_event, snapshot
from tickets.cleaning import FieldErrors
from tickets.deadlines import refresh_deadlines
from tickets.errors import ActionForbidden, ActionRefused, TicketConflict
from tickets.models import Ticket

NOT_AN_ACTION = define("ticket.not_an_action", N_("'%(action)s' is not a ticket action."))


def workflow_actor(ticket: Ticket, user: User | None) -> workflow.Actor:
    if user is None:
        return workflow.Actor(role=Role.MANAGER, is_system=True)
    return workflow.Actor(
        role=Role(user.role),
        is_owner=ticket.owner_id is not None and ticket.owner_id == user.id,
        is_transfer_target=ticket.pending_transfer_to_id == user.id,
        is_named_signer=ticket.signoff_requested_from_id == user.id,
    )


def transition_context(ticket: Ticket) -> dict:
    return {
        "has_pending_transfer": ticket.pending_transfer_to_id is not None
        and ticket.status != Status.NEW,
        "escalation_level": ticket.escalation_level,
        "awaiting_signoff": ticket.status == Status.AWAITING_APPROVAL
        and ticket.pending_approval_kind == "decline",
    }


def available_actions(ticket: Ticket, user: User) -> list[workflow.Action]:
    """The actions this user may take on this ticket now (buttons and forms)."""
    return registry.allowed_actions(
        Status(ticket.status), workflow_actor(ticket, user), **transition_context(ticket)
    )


def ensure_fresh(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise TicketConflict(ticket)


def _checked(entry: registry.Entry, ticket: Ticket, actor: User | None, data: dict, now):
    """The cleaned fields, once the workflow allows the step."""
    try:
        registry.check_transition(
            Status(ticket.status), entry.action, workflow_actor(ticket, actor),
            **transition_context(ticket),
        )
        return field_rules.validate(
            entry.rule, data, now=now, role=actor.role if actor is not None else None
        )
    except workflow.TransitionRefused as refused:
        refusal = ActionForbidden if refused.forbidden else ActionRefused
        raise refusal(refused.reason) from None
    except FieldErrors as failed:
        raise ValidationFailed(failed.fields) from None


def _apply(entry: registry.Entry, ticket: Ticket, actor, cleaned: dict, now,
           note: Message | None = None) -> dict:
    """Run the effect, move the ticket where the registry says; returns the audit changes.
    A system step's declared `note` is recorded in place of the effect's (typed) one."""
    before, start = snapshot(ticket), Status(ticket.status)
    with db.session.no_autoflush:
        outcome = entry.effect(ticket, actor, cleaned, now)
        if ticket.status != start:
            raise RuntimeError(f"{entry.action}: an effect must not set the status itself")
        ticket.status = str(entry.destination(outcome.route, start))
        if Status(ticket.status) not in entry.may_land_in(start):
            raise RuntimeError(f"{entry.action}: landed in {ticket.status}, not allowed")
        if actor is not None and entry.answers_customer:
            ticket.customer_replied_at = None
        ticket.updated_at = now
        flag_modified(ticket, "updated_at")  # every step is a change: one new version
        refresh_deadlines(ticket, now)
    changes = {**diff(before, snapshot(ticket)), **outcome.extra}
    record_event(ticket, actor, str(entry.action), now, changes,
                 outcome.note if note is None else note)
    return changes


def perform(
    ticket: Ticket,
    action: str,
    actor: User | None,
    data: dict,
    *,
    version: int | None,
    now: datetime,
    note: Message | None = None,
) -> Ticket:
    """Apply `action` by `actor` (None = the system) to `ticket`, or raise a domain error.

    `note`: a system step's timeline note as a declared message (stored with its code, so
    each reader sees it in their language); by default the note is what the data says."""
    ensure_fresh(ticket, version)
    entry = registry.entry_for(action)
    if entry is None:
        raise ActionRefused(NOT_AN_ACTION(action=action))
    cleaned = _checked(entry, ticket, actor, data, now)
    _apply(entry, ticket, actor, cleaned, now, note)
    try:
        db.session.flush()
    except StaleDataError:
        raise TicketConflict(ticket) from None
    signals.step_taken.send(ticket, action=str(entry.action), actor=actor, data=cleaned,
                            now=now)
    return ticket
