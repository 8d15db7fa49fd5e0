"""SLA policy lookups and validation; the escalation ladder's steps."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.ladder import LadderTimes, Step, next_step_at, steps_due
from sla.policy import (
    DEFAULT_POLICY,
    PolicyError,
    clean_policy,
    policy_as_input,
    policy_from_json,
    target_field,
)

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
LADDER = LadderTimes(
    warn_at=T0 + timedelta(minutes=45), due=T0 + timedelta(hours=1),
    level2_at=T0 + timedelta(minutes=90),
)


@pytest.mark.parametrize(
    "severity,first,fix,resolution",
    [
        ("critical", 15, 120, 480),
        ("high", 30, 240, 1440),
        ("medium", 120, 480, 1440),
        ("low", 240, 960, 2400),
    ],
)
def test_default_targets_follow_the_domain_table(severity, first, fix, resolution):
    for clock, minutes in (("first_response", first), ("fix_offered", fix),
                           ("resolution", resolution)):
        assert DEFAULT_POLICY.target(clock, "empathy", severity) == timedelta(minutes=minutes)


@pytest.mark.parametrize("tier,seconds", [("standard", 1800), ("key", 1350), ("vip", 900)])
def test_tier_multipliers_shorten_targets(tier, seconds):
    assert DEFAULT_POLICY.target("first_response", "reliability", "high", tier) == timedelta(
        seconds=seconds
    )


def test_warning_and_level2_are_shares_of_the_target():
    target = timedelta(hours=2)
    assert DEFAULT_POLICY.warning_after(target) == timedelta(minutes=90)
    assert DEFAULT_POLICY.level2_after(target) == timedelta(hours=1)


def test_policy_round_trips_through_its_input_form_and_json():
    raw = policy_as_input(DEFAULT_POLICY)
    raw[target_field("tangibles", "low", "resolution")] = "3000"
    raw["tier-vip"] = "0.4"
    policy = clean_policy(raw)
    assert policy.target("resolution", "tangibles", "low") == timedelta(minutes=3000)
    assert policy.tier_multipliers["vip"] == Decimal("0.40")
    assert policy_from_json(policy.as_json()) == policy
    assert policy_from_json(None) == DEFAULT_POLICY


@pytest.mark.parametrize(
    "name,value,message",
    [
        (target_field("empathy", "high", "first_response"), "0", "from 1 to"),
        (target_field("empathy", "high", "first_response"), "ten", "whole number"),
        (target_field("empathy", "high", "first_response"), "-5", "whole number"),
        (target_field("empathy", "high", "resolution"), "10", "First response ≤ fix offered"),
        ("tier-key", "abc", "factor"),
        ("tier-key", "9", "0.1 to 3"),
        ("warning_percent", "100", "10 to 95"),
        ("level2_delay_percent", "", "whole number"),
    ],
)
def test_bad_policy_input_names_the_field(name, value, message):
    raw = policy_as_input(DEFAULT_POLICY)
    raw[name] = value
    with pytest.raises(PolicyError) as failed:
        clean_policy(raw)
    assert message in failed.value.fields[name]


def test_each_ladder_step_comes_once_in_order():
    assert steps_due(LADDER, Step.NONE, T0) == []
    assert steps_due(LADDER, Step.NONE, LADDER.warn_at) == [Step.WARN_OWNER]
    assert steps_due(LADDER, Step.WARN_OWNER, LADDER.warn_at) == []
    assert steps_due(LADDER, Step.WARN_OWNER, LADDER.due) == [Step.LEVEL_1]
    assert steps_due(LADDER, Step.LEVEL_1, LADDER.level2_at) == [Step.LEVEL_2]
    assert steps_due(LADDER, Step.LEVEL_2, T0 + timedelta(days=9)) == []


def test_after_downtime_every_skipped_escalation_is_taken_in_order():
    assert steps_due(LADDER, Step.NONE, T0 + timedelta(days=1)) == [Step.LEVEL_1, Step.LEVEL_2]
    assert steps_due(LADDER, Step.WARN_OWNER, LADDER.level2_at) == [Step.LEVEL_1, Step.LEVEL_2]


def test_the_owner_warning_is_dropped_once_the_clock_is_breached():
    assert steps_due(LADDER, Step.NONE, LADDER.due) == [Step.LEVEL_1]


def test_next_step_moment():
    assert next_step_at(LADDER, Step.NONE) == LADDER.warn_at
    assert next_step_at(LADDER, Step.WARN_OWNER) == LADDER.due
    assert next_step_at(LADDER, Step.LEVEL_2) is None


@given(st.integers(0, 3), st.integers(0, 24 * 60))
def test_a_step_is_never_repeated(done, minutes):
    now = T0 + timedelta(minutes=minutes)
    steps = steps_due(LADDER, Step(done), now)
    assert steps == sorted(set(steps))
    assert all(step > done for step in steps)
    if steps:
        assert steps_due(LADDER, steps[-1], now) == []


@given(st.integers(0, 3), st.integers(0, 24 * 60))
def test_no_escalation_is_ever_skipped(done, minutes):
    now = T0 + timedelta(minutes=minutes)
    taken = {Step(done), *steps_due(LADDER, Step(done), now)}
    reached = [step for step in (Step.LEVEL_1, Step.LEVEL_2) if LADDER.moment(step) <= now]
    assert all(step in taken or step < done for step in reached)


def test_an_unclassified_ticket_gets_the_strictest_target_of_its_severity():
    from sla.policy import DIMENSIONS, Policy, default_targets

    targets = default_targets()
    targets["empathy"]["medium"]["first_response"] = 30
    policy = Policy(targets=targets)
    strictest = min(policy.target("first_response", d, "medium") for d in DIMENSIONS)
    assert policy.target("first_response", None, "medium") == strictest == timedelta(minutes=30)
