"""Domain messages: a code, an English template and parameters, rendered when read.

A service that refuses something says *which* message and with *what* values; it never
builds the sentence itself. Each message is declared once, at module level, where the rule
lives:

    NAME_REQUIRED = define("customer.name_required", N_("The customer's name is required."))
    TOO_LONG = define("field.too_long", N_("Use at most %(limit)s characters."))
    ...
    raise ValidationFailed({"name": NAME_REQUIRED(), "phone": TOO_LONG(limit=40)})

`define` registers the kind under its code (`KINDS`); the translations test checks every
registered template has a Chinese translation with the same placeholders. Calling a kind
gives a `Message`: a `str` whose value is the English text (logs, the CLI, tests that
compare English keep working), which also keeps its `code`, `template` and `params`, so the
web and the API render it in the reader's language with `shown()`.

A parameter that is itself a word to translate (a status, a role) is passed as a Message
too: `word(N_("resolved"))`, or a kind called without parameters. Decimals are formatted
for the reader's locale; anything else (names, references, counts) is shown as given.
Placeholders are always `%(name)s`.

Pure: no Flask at import (flask_babel is imported by `shown` when a message is rendered).
"""

import warnings
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

KINDS: dict[str, "MessageKind"] = {}


class UntranslatableMessage(UserWarning):
    """A domain error was given a plain string instead of a declared message: it cannot be
    shown in the reader's language (the test suite turns this warning into an error)."""


class Message(str):
    """One message: English text as the `str` value, plus code, template and parameters."""

    code: str
    template: str
    params: dict[str, Any]

    def __new__(cls, code: str, template: str, params: Mapping[str, Any] | None = None):
        params = dict(params or {})
        text = template % {name: _plain(value) for name, value in params.items()} \
            if params else template
        message = super().__new__(cls, text)
        message.code, message.template, message.params = code, template, params
        return message

    def __reduce__(self):
        return (Message, (self.code, self.template, self.params))

    def as_json(self) -> dict:
        """The code and parameters for programs (the API's error details)."""
        return {"code": self.code,
                "params": {name: _plain(value) for name, value in self.params.items()}}


class MessageKind:
    """A declared message: call it with the template's parameters to get a Message."""

    def __init__(self, code: str, template: str) -> None:
        self.code, self.template = code, template

    def __call__(self, **params: Any) -> Message:
        return Message(self.code, self.template, params)

    def __repr__(self) -> str:
        return f"<MessageKind {self.code}>"


def define(code: str, template: str) -> MessageKind:
    """Declare a message once, under a unique dotted code (e.g. "ticket.not_owner").

    Mark the template with `core.words.N_` where it is written so the catalogue extracts it.
    """
    known = KINDS.get(code)
    if known is not None and known.template != template:
        raise ValueError(f"message code {code!r} is declared twice with different texts")
    kind = KINDS[code] = MessageKind(code, template)
    return kind


def word(text: str) -> Message:
    """A single translatable word or label used as a parameter (marked with N_ by the caller)."""
    return Message("word", text)


def _plain(value: Any) -> Any:
    """A parameter's English form (a nested Message is its English text)."""
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, bool | int | float | Decimal | str) or value is None:
        return value
    return str(value)


def ensure_message(reason: Any, *, where: str = "a domain error") -> str:
    """Warn when `reason` is a plain string: it will be shown in English only."""
    if isinstance(reason, str) and not isinstance(reason, Message):
        warnings.warn(f"{where} carries a plain string, not a declared message: {reason!r}",
                      UntranslatableMessage, stacklevel=3)
    return reason


def shown(reason: Any) -> str:
    """`reason` in the reader's language (the request's locale).

    A Message is rendered from its template's translation with its parameters (nested
    messages rendered the same way, numbers formatted for the locale). A plain string is
    returned as given: it was never declared, so there is nothing to look up.
    """
    if not isinstance(reason, Message):
        return str(reason)
    from flask_babel import gettext

    translated = gettext(reason.template)
    if not reason.params:
        return translated
    return translated % {name: _shown_param(value) for name, value in reason.params.items()}


def _shown_param(value: Any) -> Any:
    if isinstance(value, Message):
        return shown(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal | float):
        from flask_babel import format_decimal

        return format_decimal(value)
    return value
