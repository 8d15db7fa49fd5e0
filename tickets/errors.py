"""Errors the ticket services raise; views and the API turn them into responses."""

from core.validation import ValidationFailed


class TicketConflict(Exception):
    """The ticket changed since the person loaded it (stale version)."""

    def __init__(self, ticket, message: str | None = None) -> None:
        self.ticket = ticket
        self.message = message or (
            f"Someone else changed ticket {ticket.ref} while you were working on it "
            f"(it is now '{ticket.status}', version {ticket.version}). "
            "Check what changed, then try again."
        )
        super().__init__(self.message)


class ActionRefused(Exception):
    """The action is not allowed in this state, for this role or this person."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


__all__ = ["ActionRefused", "TicketConflict", "ValidationFailed"]
