"""Errors the ticket services raise; the transaction boundary rolls back and the error
handlers (web pages, API) turn them into responses."""

from core.domain_errors import Conflict, Refused
from core.validation import ValidationFailed


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
        return (
            f"Someone else changed ticket {ticket.ref} while you were working on it "
            f"(it is now '{ticket.status}', version {ticket.version}). "
            "Check what changed, then try again."
        )


class ActionRefused(Refused):
    """The action is not allowed in this state, for this role or this person (409)."""


__all__ = ["ActionRefused", "TicketConflict", "ValidationFailed"]
