"""The errors a service raises when it will not do what was asked (besides bad input).

`core.validation.ValidationFailed` is for bad input (422). These two are the other
refusals; each package subclasses them (tickets: ActionRefused, TicketConflict). A view or
an API endpoint may catch them to answer its own way; one that escapes is rendered by the
app-level handlers in `core.errors` with the class's `status`: an HTML error page for the
web, the JSON error shape under /api/. Either way the transaction boundary
(`core.transaction`) has already rolled back what the service had flushed.
"""

from core.messages import ensure_message, shown


class Refused(Exception):
    """The action is not allowed in this state, for this role or for this person.

    `reason` is a declared `core.messages.Message`, shown to the person in their language
    (`shown()`); its `code` is what programs read. `status` is the HTTP status the handlers
    answer: 409 (not now, in this state) unless a subclass says 403 (never, for you).
    """

    status = 409

    def __init__(self, reason: str) -> None:
        self.reason = ensure_message(reason, where="a refusal")
        super().__init__(reason)

    def shown(self) -> str:
        """The reason in the reader's language."""
        return shown(self.reason)

    @property
    def code(self) -> str | None:
        """The refusal's code for programs, when it was declared."""
        return getattr(self.reason, "code", None)


class Conflict(Exception):
    """The record changed since the person read it (a stale version): 409.

    `message` (a declared `core.messages.Message`) says what happened and what to do (look
    again, then retry); `shown()` gives it in the reader's language.
    """

    status = 409

    def __init__(self, message: str) -> None:
        self._message = ensure_message(message, where="a conflict")
        super().__init__(message)

    @property
    def message(self) -> str:
        return self._message

    def shown(self) -> str:
        """The message in the reader's language."""
        return shown(self.message)
