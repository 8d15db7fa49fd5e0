"""Marking words for translation in modules that must not import Flask. Pure.

`N_("...")` returns its text unchanged; the catalogue's extraction (babel.cfg, the
translations test) picks it up, and the layer that shows the words translates them then
(`gettext(text)`), in the reader's language.
"""


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for the no-op marker
    return message
