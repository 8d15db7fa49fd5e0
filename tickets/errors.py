"""Errors the ticket services raise; the transaction boundary rolls back and the error
handlers (web pages, API) turn them into responses."""

from flask_babel import gettext as _

from core.domain_errors import Conflict, Refused
from core.validation import ValidationFailed
from core.vocabulary import Status
from tickets.workflow import STATE_WORDS


class TicketConflict(Conflict):
    """The ticket changed since the person loaded it (stale version).

    The message is read when shown, after the boundary rolled back: by then the ticket's
    attributes are reloaded, so it names the ticket's current status and version.
    """

    def __init__(self, ticket, message: str | None = None) -> None:
        self.ticket = ticket
        self._message = message
        Exception.__init__(self, message or "the ticket changed since it was read")

    @property
    def message(self) -> str:
        if self._message:
            return self._message
        ticket = self.ticket
        return _(
            "Someone else changed ticket %(ref)s while you were working on it "
            "(it is now '%(status)s', version %(version)s). Check what changed, then try "
            "again.", ref=ticket.ref, status=_(STATE_WORDS[Status(ticket.status)]),
            version=ticket.version)


class ActionRefused(Refused):
    """The action is not possible in the ticket's state (409)."""


class ActionForbidden(ActionRefused):
    """The action is not allowed for this role or this person, whatever the state (403)."""

    status = 403


__all__ = ["ActionForbidden", "ActionRefused", "TicketConflict", "ValidationFailed"]
