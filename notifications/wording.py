"""A notification's words: stored as a message's code and parameters, rendered when read.

`stored(message)` turns a declared `core.messages.Message` into the JSON kept in
`notifications.params`; `text_of(row)` renders a row in the current locale (the reader's
request, or the language forced for an e-mail). The database holds codes, never sentences
to translate: a code is looked up in the declared kinds (`core.messages.KINDS`), and a row
whose params are missing or name an unknown code is shown as its English `message`, kept
for exactly that (rows older than the params column that could not be parsed).

The JSON shapes, nested freely:

- a message: ``{"code": "notify.fix_waits", "params": {...}}``
- a word given with `core.messages.word`: ``{"word": "resolved"}``
- an amount: ``{"money": "80.00", "currency": "CNY"}``  (`Money`)
- a moment shown in a site's zone: ``{"at": "2026-11-23T01:00:00+00:00", "zone": "Asia/Shanghai"}``
  (`At`)
- a list joined by the locale's separator: ``{"list": [...]}``  (`Listing`)
- a decimal: ``{"decimal": "4.5"}``; strings, numbers, booleans and null as themselves.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from core.formatting import local_time, money
from core.messages import KINDS, Message, shown
from notifications.kinds import LIST_SEPARATOR

WORD = "word"


class Unreadable(ValueError):
    """Stored params that name no declared message or do not fit its template."""


@dataclass(frozen=True)
class Money:
    """An amount with its currency, formatted for each reader."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return money(self.amount, self.currency, locale="en")


@dataclass(frozen=True)
class At:
    """A moment shown in a time zone (the site's), in each reader's words."""

    moment: datetime
    zone: str

    def __str__(self) -> str:
        return self.shown("en")

    def shown(self, locale: str | None = None) -> str:
        return local_time(self.moment, SimpleNamespace(timezone=self.zone), locale=locale)


@dataclass(frozen=True)
class Listing:
    """Several parameters shown as one, joined by the reader's list separator."""

    items: tuple

    def __str__(self) -> str:
        return str(LIST_SEPARATOR()).join(str(item) for item in self.items)


# --- storing ------------------------------------------------------------------------------


def stored(message: Message) -> dict:
    """The JSON of a declared message (see the module docstring)."""
    if not isinstance(message, Message) or message.code == WORD:
        raise TypeError(f"a notification needs a declared message, not {message!r}")
    return _value_json(message)


def _value_json(value: Any) -> Any:
    if isinstance(value, Message):
        if value.code == WORD:
            return {"word": value.template}
        data: dict[str, Any] = {"code": value.code}
        if value.params:
            data["params"] = {name: _value_json(item) for name, item in value.params.items()}
        return data
    if isinstance(value, Money):
        return {"money": str(value.amount), "currency": value.currency}
    if isinstance(value, At):
        return {"at": value.moment.isoformat(), "zone": value.zone}
    if isinstance(value, Listing):
        return {"list": [_value_json(item) for item in value.items]}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    raise TypeError(f"a notification parameter cannot be stored: {value!r}")


# --- reading ------------------------------------------------------------------------------


def restored(data: Any) -> Message:
    """The Message stored as `data` (its English text as its value); `Unreadable` when it
    names an unknown code or does not fit its template."""
    message = _restore(data)
    if not isinstance(message, Message) or message.code == WORD:
        raise Unreadable(f"not a stored message: {data!r}")
    return message


def _restore(value: Any) -> Any:
    if isinstance(value, list):
        raise Unreadable("a bare list is not a parameter")
    if not isinstance(value, dict):
        return value
    try:
        if "code" in value:
            return _restore_message(value)
        if "word" in value:
            return Message(WORD, str(value["word"]))
        if "money" in value:
            return Money(Decimal(str(value["money"])), str(value["currency"]))
        if "at" in value:
            return At(datetime.fromisoformat(value["at"]), str(value["zone"]))
        if "list" in value:
            return Listing(tuple(_restore(item) for item in value["list"]))
        if "decimal" in value:
            return Decimal(str(value["decimal"]))
    except (KeyError, TypeError, ArithmeticError, ValueError) as problem:
        raise Unreadable(str(problem)) from problem
    raise Unreadable(f"unknown parameter shape: {value!r}")


def _restore_message(value: dict) -> Message:
    kind = KINDS.get(value["code"])
    if kind is None:
        raise Unreadable(f"no message is declared as {value['code']!r}")
    params = {name: _restore(item) for name, item in (value.get("params") or {}).items()}
    try:
        return kind(**params)
    except (KeyError, TypeError, ValueError) as problem:
        raise Unreadable(f"{value['code']}: {problem}") from problem


def rendered(message: Message) -> str:
    """`message` in the current locale, amounts, moments and lists included."""
    return shown(_for_reader(message))


def _for_reader(value: Any) -> Any:
    """Amounts, moments and lists become text in the current locale; messages keep their
    code and template, with their parameters prepared the same way (`shown` renders them)."""
    if isinstance(value, Message):
        if not value.params:
            return value
        return Message(value.code, value.template,
                       {name: _for_reader(item) for name, item in value.params.items()})
    if isinstance(value, Money):
        return money(value.amount, value.currency)
    if isinstance(value, At):
        return value.shown()
    if isinstance(value, Listing):
        return shown(LIST_SEPARATOR()).join(
            shown(_for_reader(item)) for item in value.items)
    return value


def for_programs(row) -> dict:
    """The code and English parameters of a row's message (`{"code": None, "params": {}}`
    when its params cannot be read)."""
    try:
        return restored(row.params).as_json()
    except (KeyError, TypeError, ValueError):
        return {"code": None, "params": {}}


def text_of(row) -> str:
    """What a notification row says, in the current locale (its English `message` when its
    params cannot be read)."""
    if row.params is None:
        return row.message
    try:
        return rendered(restored(row.params))
    except (KeyError, TypeError, ValueError):  # Unreadable is a ValueError
        return row.message
