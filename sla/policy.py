"""SLA policy: targets per (dimension × severity) and clock, tier multipliers, thresholds.

Targets are business time in minutes. "One business day" in the defaults is 8 business
hours, so the defaults mean the same thing at every site whatever its opening hours.
"""

from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from core.messages import define
from core.vocabulary import Clock, Dimension, Severity, Tier, values
from core.words import N_

CLOCKS = values(Clock)[:3]  # the clocks with targets (the next contact is a promise)
DIMENSIONS = values(Dimension)
SEVERITIES = values(Severity)
TIERS = values(Tier)
BUSINESS_DAY_MINUTES = 8 * 60
MAX_TARGET_MINUTES = 60 * BUSINESS_DAY_MINUTES

DEFAULT_BY_SEVERITY = {
    "critical": (15, 120, 480),
    "high": (30, 240, 1440),
    "medium": (120, BUSINESS_DAY_MINUTES, 3 * BUSINESS_DAY_MINUTES),
    "low": (240, 2 * BUSINESS_DAY_MINUTES, 5 * BUSINESS_DAY_MINUTES),
}
DEFAULT_TIER_MULTIPLIERS = {
    "standard": Decimal("1.00"),
    "key": Decimal("0.75"),
    "vip": Decimal("0.50"),
}

Targets = dict[str, dict[str, dict[str, int]]]

NOT_A_WHOLE_NUMBER = define("sla.not_a_whole_number",
                            N_("Enter a whole number from %(low)s to %(high)s."))
NOT_A_FACTOR = define("sla.not_a_factor", N_("Enter a factor such as 0.75."))
FACTOR_OUT_OF_RANGE = define("sla.factor_out_of_range", N_("Use a factor from 0.1 to 3."))
DIGITS_ONLY = define("sla.digits_only", N_("Use the digits 0-9."))
CLOCKS_OUT_OF_ORDER = define("sla.clocks_out_of_order",
                             N_("First response ≤ fix offered ≤ resolution."))


def default_targets() -> Targets:
    return {
        dimension: {
            severity: dict(zip(CLOCKS, DEFAULT_BY_SEVERITY[severity], strict=True))
            for severity in SEVERITIES
        }
        for dimension in DIMENSIONS
    }


class PolicyError(ValueError):
    """Invalid policy input; `fields` names each bad field with its reason (a declared
    `core.messages.Message`)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class Policy:
    targets: Targets = field(default_factory=default_targets)
    tier_multipliers: dict[str, Decimal] = field(
        default_factory=lambda: dict(DEFAULT_TIER_MULTIPLIERS)
    )
    warning_percent: int = 75
    level2_delay_percent: int = 50

    def target(
        self, clock: str, dimension: str | None, severity: str, tier: str = "standard"
    ) -> timedelta:
        """The business-time target of `clock` for a ticket of this kind and customer tier.

        An unclassified ticket (no dimension yet: the customer's own complaint) gets the
        strictest target of its severity across the dimensions; owning it classifies it
        and its clocks are re-timed then."""
        if dimension is None:
            minutes = min(self.targets[each][severity][clock] for each in DIMENSIONS)
        else:
            minutes = self.targets[dimension][severity][clock]
        seconds = Decimal(minutes * 60)
        scaled = seconds * self.tier_multipliers.get(tier, Decimal("1"))
        return timedelta(seconds=int(scaled.to_integral_value()))

    def warning_after(self, target: timedelta) -> timedelta:
        """How far into the target a clock turns at risk."""
        return target * self.warning_percent / 100

    def level2_after(self, target: timedelta) -> timedelta:
        """How long after the breach the managers are told (a share of the target)."""
        return target * self.level2_delay_percent / 100

    def as_json(self) -> dict:
        return {
            "targets": self.targets,
            "tier_multipliers": {k: str(v) for k, v in self.tier_multipliers.items()},
            "warning_percent": self.warning_percent,
            "level2_delay_percent": self.level2_delay_percent,
        }


DEFAULT_POLICY = Policy()


def policy_from_json(data: dict | None) -> Policy:
    """A stored policy; anything missing falls back to the defaults."""
    if not data:
        return DEFAULT_POLICY
    targets = default_targets()
    for dimension, by_severity in (data.get("targets") or {}).items():
        for severity, clocks in by_severity.items():
            targets.setdefault(dimension, {}).setdefault(severity, {}).update(clocks)
    multipliers = dict(DEFAULT_TIER_MULTIPLIERS)
    multipliers.update(
        {
            k: Decimal(str(v)).quantize(Decimal("0.01"))
            for k, v in (data.get("tier_multipliers") or {}).items()
        }
    )
    return replace(
        DEFAULT_POLICY,
        targets=targets,
        tier_multipliers=multipliers,
        warning_percent=int(data.get("warning_percent", 75)),
        level2_delay_percent=int(data.get("level2_delay_percent", 50)),
    )


def _whole_number(raw, low: int, high: int) -> int:
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()):  # "²" and "١٢" pass isdigit alone
        raise ValueError(NOT_A_WHOLE_NUMBER(low=low, high=high))
    value = int(text)
    if not low <= value <= high:
        raise ValueError(NOT_A_WHOLE_NUMBER(low=low, high=high))
    return value


def _multiplier(raw) -> Decimal:
    if not str(raw).strip().isascii():  # Decimal would read "١.٥" as 1.5
        raise ValueError(NOT_A_FACTOR())
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(NOT_A_FACTOR()) from None
    if not value.is_finite() or not Decimal("0.1") <= value <= Decimal("3"):
        raise ValueError(FACTOR_OUT_OF_RANGE())
    return value.quantize(Decimal("0.01"))


def target_field(dimension: str, severity: str, clock: str) -> str:
    """The input name of one target, e.g. `reliability-high-first_response`."""
    return f"{dimension}-{severity}-{clock}"


def clean_policy(raw: dict) -> Policy:
    """Build a Policy from flat form/API input (minutes as text), or raise PolicyError."""
    errors: dict[str, str] = {}
    targets = default_targets()
    for dimension in DIMENSIONS:
        for severity in SEVERITIES:
            for clock in CLOCKS:
                name = target_field(dimension, severity, clock)
                try:
                    targets[dimension][severity][clock] = _whole_number(
                        raw.get(name), 1, MAX_TARGET_MINUTES
                    )
                except ValueError as exc:
                    errors[name] = exc.args[0]
            clocks = targets[dimension][severity]
            if not any(target_field(dimension, severity, c) in errors for c in CLOCKS) and not (
                clocks["first_response"] <= clocks["fix_offered"] <= clocks["resolution"]
            ):
                errors[target_field(dimension, severity, "resolution")] = (
                    CLOCKS_OUT_OF_ORDER())
    multipliers = {}
    for tier in TIERS:
        try:
            multipliers[tier] = _multiplier(raw.get(f"tier-{tier}", ""))
        except ValueError as exc:
            errors[f"tier-{tier}"] = exc.args[0]
    numbers = {}
    for name, low, high in (("warning_percent", 10, 95), ("level2_delay_percent", 10, 400)):
        try:
            numbers[name] = _whole_number(raw.get(name), low, high)
        except ValueError as exc:
            errors[name] = exc.args[0]
    if errors:
        raise PolicyError(errors)
    return Policy(targets=targets, tier_multipliers=multipliers, **numbers)


def policy_as_input(policy: Policy) -> dict[str, str]:
    """The flat input form of a policy (the inverse of clean_policy)."""
    flat = {
        target_field(d, s, c): str(policy.targets[d][s][c])
        for d in DIMENSIONS
        for s in SEVERITIES
        for c in CLOCKS
    }
    flat.update({f"tier-{t}": str(policy.tier_multipliers[t]) for t in TIERS})
    flat["warning_percent"] = str(policy.warning_percent)
    flat["level2_delay_percent"] = str(policy.level2_delay_percent)
    return flat
