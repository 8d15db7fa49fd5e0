"""Only same-site redirect targets are honoured after sign-in."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None.

    Refused: absolute URLs, scheme-relative `//host`, backslash tricks, control characters.
    """
    if not target:
        return None
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
