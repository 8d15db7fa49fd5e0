"""Compensation amounts: Decimal with two decimals, never float."""

from decimal import Decimal, InvalidOperation

from core.messages import define
from core.words import N_

MAX_COMPENSATION = Decimal("1000000")
NOT_AN_AMOUNT = define("money.not_an_amount", N_("Enter the amount as a number, e.g. 150.00."))
AMOUNT_REQUIRED = define("money.amount_required",
                         N_("Enter an amount (0 when there is no compensation)."))
NEGATIVE = define("money.negative", N_("The amount cannot be negative."))
TOO_LARGE = define("money.too_large", N_("That amount is too large; check it."))
TOO_PRECISE = define("money.too_precise", N_("Use at most two decimals."))


def parse_amount(value) -> Decimal:
    """A compensation amount: a Decimal ≥ 0 with at most two decimals, below one million.
    ValueError with a declared message (its first argument) otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(AMOUNT_REQUIRED())
    if isinstance(value, float | bool) or not str(value).isascii():
        raise ValueError(NOT_AN_AMOUNT())  # Decimal would read "١٢" as 12
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(NOT_AN_AMOUNT()) from None
    if not amount.is_finite():
        raise ValueError(NOT_AN_AMOUNT())
    if amount < 0:
        raise ValueError(NEGATIVE())
    if amount >= MAX_COMPENSATION:
        raise ValueError(TOO_LARGE())
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(TOO_PRECISE())
    return amount.quantize(Decimal("0.01"))
