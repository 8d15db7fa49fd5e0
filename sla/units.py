"""SLA targets as people write them: an amount in minutes, hours or business days. Pure.

The policy stores whole minutes of business time (`sla.policy`); the policy page shows and
takes each target as an amount and a unit (`<target>` and `<target>-unit`). A business day
is BUSINESS_DAY_MINUTES (8 business hours), the policy's own "one business day", whatever
the site's opening hours. A target posted without its unit is read as minutes (the
policy's stored form).
"""

from decimal import Decimal, InvalidOperation

from core.messages import define
from core.words import N_
from sla.policy import (
    BUSINESS_DAY_MINUTES,
    CLOCKS,
    DIMENSIONS,
    MAX_TARGET_MINUTES,
    SEVERITIES,
    Policy,
    PolicyError,
    clean_policy,
    policy_as_input,
    target_field,
)

UNITS = ("minutes", "hours", "days")
UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": BUSINESS_DAY_MINUTES}
MAX_AMOUNT_TEXT = 12

NOT_AN_AMOUNT = define("sla.target_not_an_amount",
                       N_("Enter a number such as 2 or 1.5, with the digits 0-9."))
NOT_WHOLE_MINUTES = define("sla.target_not_whole_minutes",
                           N_("That is not a whole number of minutes; round it."))
OUT_OF_RANGE = define("sla.target_out_of_range",
                      N_("Use from 1 minute to %(days)s business days."))
UNKNOWN_UNIT = define("sla.target_unknown_unit", N_("Choose minutes, hours or business days."))
UNKNOWN_ROW = define("sla.unknown_row", N_("Choose a row of the policy table."))


def unit_field(name: str) -> str:
    """The input name of a target's unit, e.g. `reliability-high-first_response-unit`."""
    return f"{name}-unit"


def in_units(minutes: int) -> tuple[str, str]:
    """The amount (as text) and unit that show `minutes` most plainly: the largest unit in
    which it is at least 1 with at most two decimals (480 → "1" day, 90 → "1.5" hours,
    100 → "100" minutes)."""
    for unit in reversed(UNITS):
        amount = Decimal(minutes) / UNIT_MINUTES[unit]
        if amount >= 1 and amount == amount.quantize(Decimal("0.01")):
            return _plain_number(amount), unit
    return str(minutes), "minutes"


def _plain_number(amount: Decimal) -> str:
    text = f"{amount.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_minutes(amount: str | None, unit: str | None) -> int:
    """Whole minutes of an amount in `unit` (None or "": minutes); ValueError with a
    declared message when the amount is not a plain number, is not a whole number of
    minutes, or lies outside 1 minute to the policy's maximum."""
    unit = unit or "minutes"
    if unit not in UNIT_MINUTES:
        raise ValueError(UNKNOWN_UNIT())
    text = (amount or "").strip().replace(",", ".")
    if not text or len(text) > MAX_AMOUNT_TEXT or not text.isascii() \
            or not all(ch.isdigit() or ch == "." for ch in text):
        raise ValueError(NOT_AN_AMOUNT())
    try:
        value = Decimal(text) * UNIT_MINUTES[unit]
    except InvalidOperation:
        raise ValueError(NOT_AN_AMOUNT()) from None
    if value != value.to_integral_value():
        raise ValueError(NOT_WHOLE_MINUTES())
    if not 1 <= value <= MAX_TARGET_MINUTES:
        raise ValueError(OUT_OF_RANGE(days=MAX_TARGET_MINUTES // BUSINESS_DAY_MINUTES))
    return int(value)


def _target_names():
    return (target_field(d, s, c) for d in DIMENSIONS for s in SEVERITIES for c in CLOCKS)


def policy_page_input(policy: Policy) -> dict[str, str]:
    """The policy page's values: each target as an amount and a unit, the rest as stored."""
    flat = policy_as_input(policy)
    for name in _target_names():
        flat[name], flat[unit_field(name)] = in_units(int(flat[name]))
    return flat


def clean_policy_page(raw: dict) -> Policy:
    """The policy from the page's input (targets as amount + unit); PolicyError naming
    every bad field at once, the amounts' own reasons first."""
    flat, errors = dict(raw), {}
    for name in _target_names():
        try:
            flat[name] = str(to_minutes(raw.get(name), raw.get(unit_field(name))))
        except ValueError as exc:
            errors[name] = exc.args[0]
    try:
        policy = clean_policy(flat)
    except PolicyError as failed:
        raise PolicyError({**failed.fields, **errors}) from None
    if errors:
        raise PolicyError(errors)
    return policy


def row_key(dimension: str, severity: str) -> str:
    """The name of one row of the policy table (one dimension at one severity)."""
    return f"{dimension}-{severity}"


def apply_row_to_all(raw: dict, row: str) -> dict:
    """The page's input with row `row`'s targets (amounts and units, as typed) copied to
    the same severity of every dimension; ValueError for a row that is not in the table."""
    rows = {row_key(d, s): (d, s) for d in DIMENSIONS for s in SEVERITIES}
    if row not in rows:
        raise ValueError(UNKNOWN_ROW())
    source, severity = rows[row]
    copied = dict(raw)
    for dimension in DIMENSIONS:
        for clock in CLOCKS:
            name, origin = target_field(dimension, severity, clock), \
                target_field(source, severity, clock)
            copied[name] = raw.get(origin, "")
            copied[unit_field(name)] = raw.get(unit_field(origin), "")
    return copied


def target_parts(name: str) -> tuple[str, str, str] | None:
    """The (dimension, severity, clock) a target's input name stands for; None for the
    policy's other fields (tier factors, thresholds)."""
    for dimension in DIMENSIONS:
        for severity in SEVERITIES:
            for clock in CLOCKS:
                if target_field(dimension, severity, clock) == name:
                    return dimension, severity, clock
    return None
