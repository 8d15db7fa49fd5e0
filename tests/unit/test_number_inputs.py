"""Numbers people type are written with the digits 0-9: other scripts' digits are refused,
not silently read (Python's int() and Decimal() accept "١٢" and "۳")."""

import pytest

from sla.policy import DEFAULT_POLICY, PolicyError, clean_policy, policy_as_input
from tickets.money import parse_amount


@pytest.mark.parametrize("raw", ["١٢", "۳۰", "１２", "²", "12.5０"])
def test_amounts_in_other_digits_are_refused(raw):
    with pytest.raises(ValueError, match="as a number"):
        parse_amount(raw)


def test_ascii_amounts_still_read():
    assert str(parse_amount("1,250.50")) == "1250.50"


@pytest.mark.parametrize("raw", ["٧٥", "７５", "7⁵"])
def test_policy_numbers_in_other_digits_are_refused(raw):
    values = {**policy_as_input(DEFAULT_POLICY), "warning_percent": raw}
    with pytest.raises(PolicyError) as refused:
        clean_policy(values)
    assert "warning_percent" in refused.value.fields




@pytest.mark.parametrize("raw", ["٠.٧٥", "０.75"])
def test_tier_factors_in_other_digits_are_refused(raw):
    values = {**policy_as_input(DEFAULT_POLICY), "tier-key": raw}
    with pytest.raises(PolicyError) as refused:
        clean_policy(values)
    assert "tier-key" in refused.value.fields
