"""The error every service raises for bad input: field name → reason."""


class ValidationFailed(Exception):
    """Input was refused; `fields` maps each bad field to a human reason. Nothing changed."""

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        self.fields = dict(fields)
        self.message = message or "; ".join(f"{name}: {why}" for name, why in self.fields.items())
        super().__init__(self.message)
