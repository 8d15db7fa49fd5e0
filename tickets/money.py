"""Compensation amounts: Decimal with two decimals, never float."""

from decimal import Decimal, InvalidOperation

MAX_COMPENSATION = Decimal("1000000")
_NOT_A_NUMBER = "Enter the amount as a number, e.g. 150.00."


def parse_amount(value) -> Decimal:
    """A compensation amount: a Decimal ≥ 0 with at most two decimals, below one million."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("Enter an amount (0 when there is no compensation).")
    if isinstance(value, float | bool) or not str(value).isascii():
        raise ValueError(_NOT_A_NUMBER)  # Decimal would read "١٢" as 12
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_NOT_A_NUMBER) from None
    if not amount.is_finite():
        raise ValueError(_NOT_A_NUMBER)
    if amount < 0:
        raise ValueError("The amount cannot be negative.")
    if amount >= MAX_COMPENSATION:
        raise ValueError("That amount is too large; check it.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Use at most two decimals.")
    return amount.quantize(Decimal("0.01"))
