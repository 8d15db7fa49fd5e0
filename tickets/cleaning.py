"""The input cleaner: raw submitted values in, cleaned values or field errors out. Pure.

One `Cleaner` serves one submission; each method checks one field and records either
its cleaned value or a reason (a declared `core.messages.Message`). `FieldErrors`
carries every reason at once.
"""

from datetime import datetime

from core import inputs
from core.messages import define
from core.words import N_
from tickets.apology import APOLOGY_ONLY_MESSAGE, is_apology_only
from tickets.money import NOT_AN_AMOUNT, parse_amount

MAX_TEXT = 2000
MOMENT_REQUIRED = define("input.moment_required", N_("Give a date and time."))
YES_OR_NO = define("input.yes_or_no", N_("Answer yes or no."))


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

    def text(self, name: str, *, required: bool = True, concrete: bool = False,
             max_length: int = MAX_TEXT) -> None:
        """Text through the input layer (a string, no NUL or broken character, at most
        `max_length`); `concrete` refuses an apology that offers nothing."""
        try:
            value = inputs.clean_text(self.data.get(name), max_length=max_length,
                                      required=required)
        except inputs.InputError as refused:
            self.errors[name] = refused.reason
            return
        if concrete and value and is_apology_only(value):
            self.errors[name] = APOLOGY_ONLY_MESSAGE
        else:
            self.cleaned[name] = value

    def choice(self, name: str, options: tuple[str, ...], *, required: bool = True) -> None:
        """One of `options`, exactly (None when optional and not given)."""
        try:
            self.cleaned[name] = inputs.parse_choice(self.raw(name), options, required=required)
        except inputs.InputError as refused:
            self.errors[name] = refused.reason

    def moment(self, name: str, *, required: bool = True) -> None:
        """A promise or a done-by time: aware, after now, at most a year ahead
        (`core.inputs.PROMISE_WINDOW`), so the calendar never walks further."""
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = MOMENT_REQUIRED()
            else:
                self.cleaned[name] = None
            return
        try:
            self.cleaned[name] = inputs.check_promise(inputs.parse_moment(value), self.now)
        except inputs.InputError as refused:
            self.errors[name] = refused.reason

    def day(self, name: str) -> None:
        """An optional date within `core.inputs.DAY_WINDOW_YEARS` years of today (UTC)."""
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
            return
        try:
            day = inputs.parse_day(value)
            self.cleaned[name] = inputs.check_day(
                day, self.now.date(), years_back=inputs.DAY_WINDOW_YEARS,
                years_ahead=inputs.DAY_WINDOW_YEARS)
        except inputs.InputError as refused:
            self.errors[name] = refused.reason

    def flag(self, name: str, *, required: bool = False) -> None:
        """A yes/no answer: a JSON boolean, or yes/no, true/false, on/off, 1/0 from a form."""
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = YES_OR_NO()
            else:
                self.cleaned[name] = None
            return
        try:
            self.cleaned[name] = inputs.parse_flag(value)
        except inputs.InputError:
            self.errors[name] = YES_OR_NO()

    def score(self, name: str, low: int, high: int) -> None:
        """An optional whole number from `low` to `high` (ASCII digits or an integer)."""
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
            return
        try:
            self.cleaned[name] = inputs.parse_int(value, low=low, high=high)
        except inputs.InputError:
            self.errors[name] = inputs.NOT_A_WHOLE_NUMBER(low=low, high=high)

    def record_id(self, name: str, message) -> None:
        """A row's id: 1 to 2,147,483,647, a JSON integer or ASCII digits from a form."""
        try:
            self.cleaned[name] = inputs.parse_int(self.raw(name))
        except inputs.InputError:
            self.errors[name] = message

    def amount(self, name: str) -> None:
        """Money as ASCII digits (a number from JSON), see `tickets.money.parse_amount`."""
        value = self.raw(name)
        if isinstance(value, str) and (not value.isascii() or len(value) > 20):
            self.errors[name] = NOT_AN_AMOUNT()
            return
        try:
            self.cleaned[name] = parse_amount(value)
        except ValueError as exc:
            self.errors[name] = exc.args[0]
