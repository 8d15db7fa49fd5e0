"""Errors the ticket services raise; the transaction boundary rolls back and the error
handlers (web pages, API) turn them into responses."""

from core.domain_errors import Conflict, Refused
from core.messages import define, word
from core.validation import ValidationFailed
from core.vocabulary import Status
from core.words import N_

CHANGED_MEANWHILE = define("ticket.changed_meanwhile", N_(
    "Someone else changed ticket %(ref)s while you were working on it "
    "(it is now '%(status)s', version %(version)s). Check what changed, then try again."))
# The status as the ticket page's badge names it (the same words as core.vocabulary's
# STATUS_LABELS, as plain marked text so that they can be a message's parameter).
STATUS_WORDS = {
    Status.NEW: N_("New"),
    Status.OWNED: N_("Owned"),
    Status.FIX_OFFERED: N_("Fix offered"),
    Status.AWAITING_APPROVAL: N_("Awaiting approval"),
    Status.RESOLVED: N_("Resolved"),
    Status.DECLINED: N_("Declined"),
    Status.CLOSED: N_("Closed"),
}


class TicketConflict(Conflict):
    """The ticket changed since the person loaded it (stale version).

    The message is built when read, after the boundary rolled back: by then the ticket's
    attributes are reloaded, so it names the ticket's current status and version.
    """

    def __init__(self, ticket) -> None:
        self.ticket = ticket
        Exception.__init__(self, "the ticket changed since it was read")

    @property
    def message(self) -> str:
        ticket = self.ticket
        return CHANGED_MEANWHILE(ref=ticket.ref, status=word(STATUS_WORDS[Status(ticket.status)]),
                                 version=ticket.version)


class ActionRefused(Refused):
    """The action is not possible in the ticket's state (409)."""


class ActionForbidden(ActionRefused):
    """The action is not allowed for this role or this person, whatever the state (403)."""

    status = 403


__all__ = ["ActionForbidden", "ActionRefused", "TicketConflict", "ValidationFailed"]
