"""The input cleaner: raw submitted values in, cleaned values or field errors out. Pure.

One `Cleaner` serves one submission; each method checks one field and records either
its cleaned value or a human reason. `FieldErrors` carries every reason at once.
"""

from datetime import date, datetime

from tickets.apology import APOLOGY_ONLY_MESSAGE, is_apology_only
from tickets.money import parse_amount

MAX_TEXT = 2000
_FLAG_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


class FieldErrors(Exception):
    def __init__(self, fields: dict[str, str]):
        super().__init__(", ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


class Cleaner:
    """Collects cleaned values and field errors for one submission."""

    def __init__(self, data: dict, now: datetime, role: str | None = None):
        self.data = data or {}
        self.now = now
        self.role = role
        self.cleaned: dict = {}
        self.errors: dict[str, str] = {}

    def raw(self, name: str):
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, *, required: bool = True, concrete: bool = False) -> None:
        value = self.raw(name) or ""
        if not isinstance(value, str):
            self.errors[name] = "Enter text."
        elif required and not value:
            self.errors[name] = "This field is required."
        elif len(value) > MAX_TEXT:
            self.errors[name] = f"Use at most {MAX_TEXT} characters."
        elif concrete and is_apology_only(value):
            self.errors[name] = APOLOGY_ONLY_MESSAGE
        else:
            self.cleaned[name] = value

    def choice(self, name: str, options: tuple[str, ...], *, required: bool = True) -> None:
        value = self.raw(name)
        if not value and not required:
            self.cleaned[name] = None
        elif value not in options:
            self.errors[name] = "Choose one of: " + ", ".join(options) + "."
        else:
            self.cleaned[name] = value

    def moment(self, name: str, *, required: bool = True, future: bool = True) -> None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = "Give a date and time."
            else:
                self.cleaned[name] = None
        elif not isinstance(value, datetime) or value.tzinfo is None:
            self.errors[name] = "Give a date and time."
        elif future and value <= self.now:
            self.errors[name] = "This must be in the future."
        else:
            self.cleaned[name] = value

    def day(self, name: str) -> None:
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
        elif not isinstance(value, date) or isinstance(value, datetime):
            self.errors[name] = "Give a date."
        else:
            self.cleaned[name] = value

    def flag(self, name: str, *, required: bool = False) -> None:
        """A yes/no answer: a JSON boolean, or yes/no, true/false, 1/0 from a form."""
        value = self.raw(name)
        if isinstance(value, str):
            value = _FLAG_WORDS.get(value.lower(), value)
        if value in (None, ""):
            if required:
                self.errors[name] = "Answer yes or no."
            else:
                self.cleaned[name] = None
        elif isinstance(value, bool):
            self.cleaned[name] = value
        else:
            self.errors[name] = "Answer yes or no."

    def score(self, name: str, low: int, high: int) -> None:
        """An optional whole number from `low` to `high`."""
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
            return
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            self.cleaned[name] = value
        else:
            self.errors[name] = f"Give a whole number from {low} to {high}."

    def record_id(self, name: str, message: str) -> None:
        """A positive whole number naming a row (a JSON integer or digits from a form)."""
        value = self.raw(name)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            self.cleaned[name] = value
        else:
            self.errors[name] = message

    def amount(self, name: str) -> None:
        try:
            self.cleaned[name] = parse_amount(self.raw(name))
        except ValueError as exc:
            self.errors[name] = str(exc)
