"""Download responses: a `Content-Disposition` that every server and browser takes.

HTTP header values are Latin-1 on the wire (a WSGI server refuses anything else), so a
file name with Chinese characters cannot go in `filename="..."` as it is. RFC 6266 with
RFC 5987: `filename*=UTF-8''<percent-encoded>` carries the real name, and `filename=` an
ASCII fallback for the old clients that ignore `filename*`.
"""

import re
import unicodedata
from urllib.parse import quote

# RFC 5987 attr-char besides letters and digits (quote() keeps "_.-~" and alphanumerics).
ATTR_CHARS = "!#$&+^`"
UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')
NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9._-]+")


def clean_filename(name: str) -> str:
    """The name without path separators, quotes or control characters; never empty."""
    cleaned = UNSAFE.sub("-", unicodedata.normalize("NFC", name)).strip(" .-")
    return cleaned or "download"


def ascii_filename(name: str) -> str:
    """An ASCII stand-in: accents dropped, every other run of non-ASCII turned into '-'."""
    decomposed = unicodedata.normalize("NFKD", clean_filename(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem, dot, suffix = plain.rpartition(".")
    if not dot:
        stem, suffix = plain, ""
    stem, suffix = _ascii_word(stem) or "download", _ascii_word(suffix)
    return f"{stem}.{suffix}" if suffix else stem


def _ascii_word(text: str) -> str:
    return re.sub(r"-{2,}", "-", NOT_ASCII_WORD.sub("-", text)).strip("-.")


def attachment_disposition(name: str) -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<name>` (the second only when the
    name is not plain ASCII already)."""
    name = clean_filename(name)
    fallback = ascii_filename(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe=ATTR_CHARS)}"
    return header
