"""The ticket state machine: actions, who may take them, and the refusals. Pure.

No Flask and no database here. The registry (`tickets.registry`) holds one entry per
action; `check_move` answers "may this actor take this action on a ticket in this state?"
from an entry's `who` map, with the reason when not.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.messages import Message, define, word
from core.vocabulary import LEADS, OPEN_STATES, Role, Status
from core.words import N_

__all__ = ["OPEN_STATES", "Action", "Actor", "Context", "Role", "Status", "Who"]

MAX_ESCALATION_LEVEL = 2


class Action(StrEnum):
    OWN = "own"
    LOG_CONTACT = "log_contact"
    OFFER_FIX = "offer_fix"
    RECORD_RESPONSE = "record_response"
    APPROVE = "approve"
    REJECT = "reject"
    RESOLVE = "resolve"
    DECLINE = "decline"
    TRANSFER = "transfer"
    ACCEPT_TRANSFER = "accept_transfer"
    REASSIGN = "reassign"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    CLOSE = "close"
    RECLASSIFY = "reclassify"
    FOLLOW_UP = "follow_up"
    COMPLETE_PREVENTION = "complete_prevention"
    ADD_ATTACHMENT = "add_attachment"
    REPLY = "reply"
    ADD_NOTE = "add_note"


class Who(StrEnum):
    """Who may take an action, relative to the ticket."""

    ANYONE = "anyone"
    OWNER = "owner"
    OWNER_OR_LEAD = "owner_or_lead"
    LEAD = "lead"
    APPROVER = "approver"
    TRANSFER_TARGET = "transfer_target"


WHO_REFUSALS = {
    Who.OWNER: define("ticket.owner_only", N_("Only the ticket's owner can do this.")),
    Who.OWNER_OR_LEAD: define("ticket.owner_or_lead_only",
                              N_("Only the owner or a supervisor can do this.")),
    Who.LEAD: define("ticket.lead_only", N_("Only a supervisor or manager can do this.")),
    Who.APPROVER: define("ticket.approver_only", N_(
        "A supervisor or manager other than the owner must decide this.")),
    Who.TRANSFER_TARGET: define("ticket.transfer_target_only", N_(
        "Only the person the ticket is being handed to can accept it.")),
}
SIGNOFF_REFUSAL = define("ticket.signer_only", N_(
    "Only the supervisor asked to sign off this decline, or a manager, can decide it."))
# One refusal per state, the action's words (the registry's `refusal_verb`) as parameter:
# a state and an action would read alike as words ("resolved"), not in Chinese.
NOT_IN_THIS_STATE = {
    Status.NEW: define("ticket.refused_when_new",
                       N_("A ticket that is new cannot be %(verb)s.")),
    Status.OWNED: define("ticket.refused_when_owned",
                         N_("A ticket that is owned cannot be %(verb)s.")),
    Status.FIX_OFFERED: define("ticket.refused_when_fix_offered",
                               N_("A ticket that is fix offered cannot be %(verb)s.")),
    Status.AWAITING_APPROVAL: define("ticket.refused_when_awaiting_approval",
                                     N_("A ticket that is awaiting approval cannot be %(verb)s.")),
    Status.RESOLVED: define("ticket.refused_when_resolved",
                            N_("A ticket that is resolved cannot be %(verb)s.")),
    Status.DECLINED: define("ticket.refused_when_declined",
                            N_("A ticket that is declined cannot be %(verb)s.")),
    Status.CLOSED: define("ticket.refused_when_closed",
                          N_("A ticket that is closed cannot be %(verb)s.")),
}
HANDOVER_WAITING = define("ticket.handover_waiting",
                          N_("A handover is already waiting to be accepted."))
NO_HANDOVER_WAITING = define("ticket.no_handover_waiting",
                             N_("No handover is waiting to be accepted."))
ALREADY_AT_MANAGERS = define("ticket.already_at_managers",
                             N_("This ticket is already escalated to managers."))


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the workflow sees it."""

    role: Role
    is_owner: bool = False
    is_transfer_target: bool = False
    is_named_signer: bool = False
    is_system: bool = False


@dataclass(frozen=True)
class Context:
    """What about the ticket, beyond its state, decides whether a step is possible."""

    has_pending_transfer: bool = False
    escalation_level: int = 0
    awaiting_signoff: bool = False


class TransitionRefused(Exception):
    """A step the workflow will not take; `reason` is a declared Message. `forbidden`: the
    refusal is about who is asking (their role, or their relation to the ticket), not the
    ticket's state; the API answers 403 for those and 409 for the others."""

    def __init__(self, reason: Message, *, forbidden: bool = False):
        self.reason = reason
        super().__init__(reason)
        self.forbidden = forbidden


def _may_decide(actor: Actor, context: Context) -> bool:
    """A fix over the limit: a lead other than the owner. A decline waiting for sign-off:
    the supervisor the owner named, or a manager."""
    if context.awaiting_signoff:
        return not actor.is_owner and (actor.is_named_signer or actor.role == Role.MANAGER)
    return actor.role in LEADS and not actor.is_owner


def may(who: Who, actor: Actor, context: Context) -> bool:
    if actor.is_system:
        return True
    is_lead = actor.role in LEADS
    if who is Who.APPROVER:
        return _may_decide(actor, context)
    return {
        Who.ANYONE: True,
        Who.OWNER: actor.is_owner,
        Who.OWNER_OR_LEAD: actor.is_owner or is_lead,
        Who.LEAD: is_lead,
        Who.TRANSFER_TARGET: actor.is_transfer_target,
    }[who]


def _context_refusal(action: Action, context: Context) -> Message | None:
    if action is Action.TRANSFER and context.has_pending_transfer:
        return HANDOVER_WAITING()
    if action is Action.ACCEPT_TRANSFER and not context.has_pending_transfer:
        return NO_HANDOVER_WAITING()
    if action is Action.ESCALATE and context.escalation_level >= MAX_ESCALATION_LEVEL:
        return ALREADY_AT_MANAGERS()
    return None


def check_move(
    who_map: Mapping[Status, Who],
    status: Status,
    action: Action,
    refusal_verb: str,
    actor: Actor,
    context: Context,
) -> Who:
    """Return who the entry allows in `status`, or raise TransitionRefused with the reason."""
    who = who_map.get(Status(status))
    if who is None:
        raise TransitionRefused(NOT_IN_THIS_STATE[Status(status)](verb=word(refusal_verb)))
    if not may(who, actor, context):
        if who is Who.APPROVER and context.awaiting_signoff:
            raise TransitionRefused(SIGNOFF_REFUSAL(), forbidden=True)
        raise TransitionRefused(WHO_REFUSALS[who](), forbidden=True)
    refusal = _context_refusal(Action(action), context)
    if refusal:
        raise TransitionRefused(refusal)
    return who
