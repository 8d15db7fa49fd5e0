"""SLA targets in minutes, hours and business days; "apply to all dimensions"; the preview
of due times for a ticket opened now. Plain Python: no app, no database."""

from datetime import UTC, datetime, timedelta

import pytest

from sla.calendar import BusinessCalendar
from sla.policy import DEFAULT_POLICY, DIMENSIONS, PolicyError, policy_as_input, target_field
from sla.preview import due_preview
from sla.units import (
    NOT_AN_AMOUNT,
    NOT_WHOLE_MINUTES,
    OUT_OF_RANGE,
    apply_row_to_all,
    clean_policy_page,
    in_units,
    policy_page_input,
    row_key,
    target_parts,
    to_minutes,
    unit_field,
)


@pytest.mark.parametrize(("minutes", "shown"), [
    (15, ("15", "minutes")),
    (60, ("1", "hours")),
    (90, ("1.5", "hours")),
    (100, ("100", "minutes")),
    (480, ("1", "days")),
    (1200, ("2.5", "days")),
    (1440, ("3", "days")),
    (28800, ("60", "days")),
])
def test_a_target_is_shown_in_its_plainest_unit(minutes, shown):
    assert in_units(minutes) == shown
    assert to_minutes(*shown) == minutes


@pytest.mark.parametrize(("amount", "unit", "minutes"), [
    ("2", "hours", 120), ("1,5", "hours", 90), (" 0.5 ", "days", 240), ("45", None, 45),
    ("45", "", 45), ("0.25", "hours", 15),
])
def test_amounts_in_any_unit_become_whole_minutes(amount, unit, minutes):
    assert to_minutes(amount, unit) == minutes


@pytest.mark.parametrize(("amount", "unit", "kind"), [
    ("soon", "hours", NOT_AN_AMOUNT), ("", "hours", NOT_AN_AMOUNT),
    ("١٢", "hours", NOT_AN_AMOUNT), ("1e3", "minutes", NOT_AN_AMOUNT),
    ("1.2.3", "hours", NOT_AN_AMOUNT), ("-2", "hours", NOT_AN_AMOUNT),
    ("0.01", "hours", NOT_WHOLE_MINUTES), ("1.5", "minutes", NOT_WHOLE_MINUTES),
    ("0", "hours", OUT_OF_RANGE), ("61", "days", OUT_OF_RANGE),
])
def test_bad_amounts_are_refused_with_a_declared_reason(amount, unit, kind):
    with pytest.raises(ValueError) as refused:
        to_minutes(amount, unit)
    assert refused.value.args[0].code == kind.code


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError) as refused:
        to_minutes("2", "weeks")
    assert refused.value.args[0].code == "sla.target_unknown_unit"


def test_the_page_input_round_trips_to_the_same_policy():
    page = policy_page_input(DEFAULT_POLICY)
    name = target_field("reliability", "medium", "resolution")
    assert (page[name], page[unit_field(name)]) == ("3", "days")
    assert clean_policy_page(page) == DEFAULT_POLICY


def test_page_errors_name_every_bad_field_at_once():
    page = policy_page_input(DEFAULT_POLICY)
    bad = target_field("empathy", "low", "fix_offered")
    page[bad] = "soon"
    page["warning_percent"] = "120"
    with pytest.raises(PolicyError) as failed:
        clean_policy_page(page)
    assert failed.value.fields[bad].code == NOT_AN_AMOUNT.code
    assert "warning_percent" in failed.value.fields


def test_targets_out_of_order_are_refused_in_any_unit():
    page = policy_page_input(DEFAULT_POLICY)
    name = target_field("tangibles", "high", "first_response")
    page[name], page[unit_field(name)] = "2", "days"  # after the 4 h fix deadline
    with pytest.raises(PolicyError) as failed:
        clean_policy_page(page)
    assert target_field("tangibles", "high", "resolution") in failed.value.fields


def test_a_row_is_applied_to_its_severity_in_every_dimension_only():
    page = policy_page_input(DEFAULT_POLICY)
    first = target_field("empathy", "high", "first_response")
    page[first], page[unit_field(first)] = "10", "minutes"
    copied = apply_row_to_all(page, row_key("empathy", "high"))
    policy = clean_policy_page(copied)
    for dimension in DIMENSIONS:
        assert policy.targets[dimension]["high"]["first_response"] == 10
        assert policy.targets[dimension]["medium"] == DEFAULT_POLICY.targets[dimension]["medium"]
    assert page[target_field("reliability", "high", "first_response")] == "30"  # not changed


def test_applying_an_unknown_row_is_refused():
    with pytest.raises(ValueError) as refused:
        apply_row_to_all(policy_as_input(DEFAULT_POLICY), "empathy-urgent")
    assert refused.value.args[0].code == "sla.unknown_row"


def test_target_parts_names_the_targets_only():
    assert target_parts(target_field("empathy", "low", "resolution")) == (
        "empathy", "low", "resolution")
    assert target_parts("warning_percent") is None and target_parts("tier-vip") is None


SHANGHAI_WEEKDAYS = BusinessCalendar.from_spec("Asia/Shanghai", "mon-fri 09:00-17:00")


def test_the_preview_adds_business_time_on_the_site_calendar():
    friday_1600 = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # Friday 16:00 in Shanghai
    preview = due_preview(DEFAULT_POLICY, SHANGHAI_WEEKDAYS, friday_1600)
    medium = preview["medium"]
    # first response 2 h: one hour on Friday, one on Monday from 09:00
    assert medium["first_response"].earliest == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    # fix offered one business day (8 h): one hour on Friday, seven on Monday: 16:00
    assert medium["fix_offered"].earliest == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert not medium["resolution"].varies
    assert medium["resolution"].shortest == timedelta(days=1)  # 3 × 8 h


def test_the_preview_shows_the_range_when_dimensions_differ_and_scales_by_tier():
    page = policy_page_input(DEFAULT_POLICY)
    name = target_field("assurance", "low", "first_response")
    page[name], page[unit_field(name)] = "1", "hours"
    policy = clean_policy_page(page)
    monday_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    low = due_preview(policy, SHANGHAI_WEEKDAYS, monday_0900)["low"]["first_response"]
    assert low.varies and (low.shortest, low.longest) == (timedelta(hours=1), timedelta(hours=4))
    assert (low.earliest, low.latest) == (monday_0900 + timedelta(hours=1),
                                          monday_0900 + timedelta(hours=4))
    vip = due_preview(policy, SHANGHAI_WEEKDAYS, monday_0900, tier="vip")["low"]
    assert vip["first_response"].longest == timedelta(hours=2)
