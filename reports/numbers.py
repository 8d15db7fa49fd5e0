"""How the report writes its numbers: percentages, rates, averages, money and times.

Percentages are floats from 0 to 100 with one decimal (half up), or None when nothing
was counted: an empty week shows "nothing was due", never a fake 100 %. Money is a
decimal string with two places ("150.00"); datetimes are ISO 8601 with their offset.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
CENTS = Decimal("0.01")


def one_decimal(value: Decimal | int | float) -> float:
    """`value` rounded half up to one decimal, as a float."""
    return float(Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


def percent(count: int, of: int) -> float | None:
    """count / of × 100 with one decimal; None when `of` is 0."""
    if not of:
        return None
    return one_decimal(Decimal(count) * 100 / Decimal(of))


def rate(count: int, of: int) -> dict:
    return {"count": count, "of": of, "rate": percent(count, of)}


def mean(total: Decimal | int, count: int) -> float | None:
    """The average with one decimal; None without values."""
    return one_decimal(Decimal(total) / Decimal(count)) if count else None


def to_decimal(amount) -> Decimal:
    """A money amount from the database (Decimal, float on SQLite, or None) to cents."""
    return Decimal(str(amount or 0)).quantize(CENTS, rounding=ROUND_HALF_UP)


def money(amount) -> str:
    return str(to_decimal(amount))


def money_mean(total: Decimal, count: int) -> str | None:
    return money(to_decimal(total) / count) if count else None


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
