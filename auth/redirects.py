"""Only same-site redirect targets are honoured after sign-in."""

import unicodedata
from urllib.parse import urlsplit

from auth.passwords import UNPRINTABLE


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None.

    Refused: absolute URLs, scheme-relative `//host`, backslash tricks, control, format and
    unpaired characters.
    """
    if not target:
        return None
    if "\\" in target or not target.startswith("/"):
        return None
    if any(unicodedata.category(ch) in UNPRINTABLE for ch in target):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
