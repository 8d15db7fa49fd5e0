"""The one reader of the wall clock.

Everything that needs "now" calls :func:`utcnow`; tests move time with
:func:`set_now` instead of patching `datetime`.
"""

from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (microseconds dropped)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(microsecond=0)


def set_now(moment: datetime | None) -> None:
    """Pin the clock to `moment` (aware), or release it with None."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None
