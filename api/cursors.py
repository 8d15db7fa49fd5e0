"""Pages of a list: offset pages (`page`, with counts) and opaque keyset cursors.

A cursor is the sort key of the last row a page held, base64url-encoded. It is not a
secret (it names a time and an id the caller has already seen); it is only checked for
shape, and a malformed one is a 422 on the `cursor` parameter.
"""

import base64
import binascii
from datetime import datetime

from flask import current_app
from sqlalchemy import Select

from core import inputs
from core.messages import define
from core.paging import paginate_runs
from core.validation import ValidationFailed
from core.words import N_
from extensions import db

BAD_CURSOR = define("api.bad_cursor", N_("Use the next_cursor of the page before, unchanged."))


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
        raise ValidationFailed({field: BAD_CURSOR()}) from None


def per_page_or_default(per_page: int | None) -> int:
    return per_page or current_app.config["PAGE_SIZE"]


def offset_page(stmt: Select, page: int | None, per_page: int | None) -> tuple[list, dict]:
    """The rows of one offset page of `stmt` and the page's counts."""
    page, per_page = page or 1, per_page_or_default(per_page)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return pagination.items, {"page": page, "per_page": per_page,
                              "total": pagination.total, "pages": pagination.pages}


def capped_offset_page(stmt: Select, page: int | None, per_page: int | None
                       ) -> tuple[list, dict]:
    """`offset_page` for a list as long as the archive: `total` counts at most
    `core.paging.COUNT_AHEAD` rows past the page's start, `total_exact` says whether it
    reached the end (false: `total` and `pages` are lower bounds)."""
    page, per_page = page or 1, per_page_or_default(per_page)
    pagination = paginate_runs(db.session, (stmt,), page=page, per_page=per_page)
    return pagination.items, {"page": page, "per_page": per_page, "total": pagination.total,
                              "pages": pagination.pages,
                              "total_exact": pagination.total_is_exact}


def no_counts(per_page: int) -> dict:
    """The page counts of a walk by cursor: only `per_page` is known."""
    return {"page": None, "per_page": per_page, "total": None, "pages": None}


def keyset_page(stmt: Select, per_page: int, *, with_time: bool) -> tuple[list, str | None]:
    """Up to `per_page` rows of `stmt` (already past the cursor, in keyset order) and the
    cursor after the last of them; None when no row follows."""
    rows = db.session.scalars(stmt.limit(per_page + 1)).unique().all()
    if len(rows) <= per_page:
        return rows, None
    rows = rows[:per_page]
    return rows, cursor_after(rows[-1], with_time=with_time)


def cursor_after(row, *, with_time: bool) -> str:
    """The cursor that continues after `row` (by (created_at, id), or by id alone)."""
    return encode_cursor(row.created_at if with_time else None, row.id)
