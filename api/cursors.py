"""Opaque keyset cursors: the sort key of the last row a page held, base64url-encoded.

A cursor is not a secret (it names a time and an id the caller has already seen); it is
only checked for shape, and a malformed one is a 422 on the `cursor` parameter.
"""

import base64
import binascii
from datetime import datetime

from core import inputs
from core.validation import ValidationFailed

BAD_CURSOR = "Use the next_cursor of the page before, unchanged."


def encode_cursor(created_at: datetime | None, row_id: int) -> str:
    key = f"{created_at.isoformat() if created_at else ''}|{row_id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str, *, with_time: bool = True):
    """(created_at, id) — or the id alone when `with_time` is false."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        moment, _, row_id = text.partition("|")
        number = inputs.parse_int(row_id)
        if not with_time:
            return number
        return inputs.parse_moment(moment), number
    except (ValueError, UnicodeError, binascii.Error):
        raise ValidationFailed({field: BAD_CURSOR}) from None
