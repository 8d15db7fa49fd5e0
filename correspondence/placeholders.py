"""Placeholders in the managers' canned replies: `{customer}`, `{reference}`, `{owner}`,
`{promise}`. Pure.

A canned reply is text a manager typed, so it is never handed to `str.format` (which would
read attributes and indexes such as `{customer.__class__}`). Instead one regular expression
finds each `{…}` (spaces inside are allowed: `{ customer }`); anything in braces that is not
one of PLACEHOLDERS (`{name}`, `{customer!r}`, `{0}`) is refused when the template is
saved, and filling replaces each known name in a single pass, so a filled value that itself
looks like a placeholder (a guest called "{owner}") stays as it is. A lone brace and empty
braces (`{`, `}`, `{}`) are plain text.
"""

import re
from collections.abc import Mapping

PLACEHOLDERS = ("customer", "reference", "owner", "promise")
_PLACEHOLDER = re.compile(r"\{\s*([^{}\s][^{}]*?)\s*\}")


def placeholders_in(text: str) -> list[str]:
    """Every placeholder name in `text`, in order of appearance, each once."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def unknown_placeholders(text: str) -> list[str]:
    """The placeholder names in `text` that are not in PLACEHOLDERS."""
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known placeholder replaced by its value (missing values: empty);
    an unknown one is left as typed. One pass: values are never filled in again."""

    def replace(found: re.Match) -> str:
        name = found.group(1)
        if name not in PLACEHOLDERS:
            return found.group(0)
        return str(values.get(name) or "")

    return _PLACEHOLDER.sub(replace, text or "")
