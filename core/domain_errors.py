"""The errors a service raises when it will not do what was asked (besides bad input).

`core.validation.ValidationFailed` is for bad input (422). These two are the other
refusals; each package subclasses them (tickets: ActionRefused, TicketConflict). A view or
an API endpoint may catch them to answer its own way; one that escapes is rendered by the
app-level handlers in `core.errors` with the class's `status`: an HTML error page for the
web, the JSON error shape under /api/. Either way the transaction boundary
(`core.transaction`) has already rolled back what the service had flushed.
"""

from flask_babel import gettext

from core.messages import Message, ensure_message, shown


class Refused(Exception):
    """The action is not allowed in this state, for this role or for this person.

    `reason` is a declared `core.messages.Message`, shown to the person in their language
    (`shown()`); its `code` is what programs read. `status` is the HTTP status the handlers
    answer: 409 (not now, in this state) unless a subclass says 403 (never, for you).
    """

    status = 409

    def __init__(self, reason: str, *, template: str | None = None,
                 params: dict | None = None) -> None:
        self.reason = reason if template else ensure_message(reason, where="a refusal")
        self.template, self.params = template, dict(params or {})
        super().__init__(reason)

    def shown(self) -> str:
        """The reason in the reader's language: the template and each of its words looked
        up in the catalogue (marked with `core.words.N_` where they are written)."""
        if isinstance(self.reason, Message):
            return shown(self.reason)
        if self.template and self.params:
            words = {name: gettext(str(value)) for name, value in self.params.items()}
            return gettext(self.template) % words
        return str(self.reason)

    @property
    def code(self) -> str | None:
        """The refusal's code for programs, when it was declared."""
        return self.reason.code if isinstance(self.reason, Message) else None


class Conflict(Exception):
    """The record changed since the person read it (a stale version): 409.

    `message` says what happened and what to do (look again, then retry).
    """

    status = 409

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
