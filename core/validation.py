"""The error every service raises for bad input: field name → reason."""

from core.messages import ensure_message


class ValidationFailed(Exception):
    """Input was refused; `fields` maps each bad field to its reason. Nothing changed.

    Each reason is a declared `core.messages.Message` (English as its text, rendered in the
    reader's language with `core.messages.shown`); a plain string warns.
    """

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        self.fields = {name: ensure_message(why, where=f"ValidationFailed[{name!r}]")
                       for name, why in fields.items()}
        self.message = message or "; ".join(f"{name}: {why}" for name, why in self.fields.items())
        super().__init__(self.message)
