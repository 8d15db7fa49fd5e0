"""Field rules of each action: required fields, the apology-only rule, amounts as Decimal."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.vocabulary import Role
from tickets.apology import APOLOGY_ONLY_MESSAGE, is_apology_only
from tickets.cleaning import FieldErrors
from tickets.money import parse_amount
from tickets.registry import validate
from tickets.workflow import Action

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)


def _errors(action, data, role=None) -> dict:
    with pytest.raises(FieldErrors) as failed:
        validate(action, data, now=NOW, role=role)
    return failed.value.fields


def _fix(**overrides) -> dict:
    data = {
        "action": "Move the guest to room 1203 and comp tonight's minibar.",
        "remedy_type": "complimentary",
        "compensation": "150.00",
        "committed_by": LATER,
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "text",
    [
        "Sorry!",
        "We apologise for the inconvenience.",
        "We are terribly sorry for any trouble caused.",
        "Apologies again",
        "对不起",
        "非常抱歉，给您带来不便，敬请谅解。",
        "我们深表歉意",
    ],
)
def test_apology_only_fixes_are_refused_with_a_request_for_action(text):
    assert _errors(Action.OFFER_FIX, _fix(action=text)) == {"action": APOLOGY_ONLY_MESSAGE}


@pytest.mark.parametrize(
    "text",
    [
        "Sorry — we will refund the night (480) today.",
        "Re-clean the room within 30 minutes and check it myself.",
        "很抱歉，马上为您换到高层安静房间",
        "Replace the kettle",
    ],
)
def test_a_concrete_fix_passes_even_with_an_apology(text):
    assert validate(Action.OFFER_FIX, _fix(action=text), now=NOW)["action"] == text


def test_empty_fix_is_required_not_apology():
    assert _errors(Action.OFFER_FIX, _fix(action="  "))["action"] == "This field is required."


APOLOGY_PIECES = ["sorry", "we apologise", "apologies", "对不起", "非常抱歉", "很抱歉",
                  "for the inconvenience", "给您带来不便", "please accept our apology"]


@given(st.lists(st.sampled_from(APOLOGY_PIECES), min_size=1, max_size=5),
       st.sampled_from([" ", ", ", "! ", "。", "，"]))
def test_any_mix_of_apology_phrases_is_apology_only(pieces, separator):
    assert is_apology_only(separator.join(pieces))


@given(st.lists(st.sampled_from(APOLOGY_PIECES), max_size=3),
       st.sampled_from(["refund 200", "replace the TV", "upgrade to a suite", "换房", "退款"]))
def test_an_apology_with_a_deed_is_not_apology_only(pieces, deed):
    assert not is_apology_only(" ".join([*pieces, deed]))


@pytest.mark.parametrize(
    "raw,message",
    [
        ("-1", "negative"),
        ("abc", "number"),
        ("12.345", "two decimals"),
        ("1000000", "too large"),
        ("1e9", "too large"),
        ("NaN", "number"),
        ("", "Enter an amount"),
        (None, "Enter an amount"),
        (1.5, "number"),
    ],
)
def test_bad_amounts_are_named(raw, message):
    assert message in _errors(Action.OFFER_FIX, _fix(compensation=raw))["compensation"]


@given(st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2))
def test_valid_amounts_round_trip_as_decimal(amount):
    parsed = parse_amount(str(amount))
    assert isinstance(parsed, Decimal)
    assert parsed == amount


def test_zero_compensation_is_allowed():
    assert validate(Action.OFFER_FIX, _fix(compensation="0"), now=NOW)["compensation"] == 0


def test_promises_must_be_in_the_future_and_aware():
    assert _errors(Action.OWN, {"acknowledgement": "ok", "next_contact_by": NOW}) == {
        "next_contact_by": "This must be in the future."
    }
    naive = datetime(2030, 1, 1, 9, 0)
    assert "next_contact_by" in _errors(
        Action.OWN, {"acknowledgement": "ok", "next_contact_by": naive}
    )


def test_every_missing_field_is_named_at_once():
    assert set(_errors(Action.OFFER_FIX, {})) == {
        "action", "remedy_type", "compensation", "committed_by",
    }
    assert set(_errors(Action.RESOLVE, {})) == {
        "outcome", "customer_response", "root_cause", "root_cause_note",
    }
    assert set(_errors(Action.OWN, {})) == {"acknowledgement", "next_contact_by"}
    assert set(_errors(Action.TRANSFER, {})) == {"to", "handover_note"}


def test_the_fault_is_unknown_unless_said_and_checked_when_said():
    data = {"outcome": "Refunded one night", "customer_response": "accepted",
            "root_cause": "process", "root_cause_note": "List not updated"}
    assert validate(Action.RESOLVE, data, now=NOW)["fault"] == "unknown"
    assert "fault" in _errors(Action.RESOLVE, {**data, "fault": "the moon"})


def test_choices_are_checked():
    errors = _errors(Action.OFFER_FIX, _fix(remedy_type="cash"))
    assert errors["remedy_type"].startswith("Choose one of: refund")


def test_resolve_prevention_needs_who_and_when():
    data = {
        "outcome": "Refunded one night",
        "customer_response": "accepted",
        "root_cause": "process",
        "root_cause_note": "Housekeeping list not updated",
        "fault": "us",
        "prevention_action": "Check the list at 14:00 daily",
    }
    assert set(_errors(Action.RESOLVE, data)) == {"prevention_owner", "prevention_due"}
    data.update(prevention_owner="Head of housekeeping", prevention_due=date(2026, 12, 1))
    assert validate(Action.RESOLVE, data, now=NOW)["prevention_due"] == date(2026, 12, 1)


def test_front_desk_decline_needs_a_supervisor_sign_off():
    data = {"reason": "Outside our policy", "alternative_offered": "Late checkout at 14:00"}
    assert _errors(Action.DECLINE, data, role=Role.FRONT_DESK) == {
        "signed_off_by": "Choose the supervisor who signs off this decline."
    }
    assert validate(Action.DECLINE, data, now=NOW, role=Role.SUPERVISOR)["reason"]


def test_the_alternative_to_a_decline_cannot_be_just_an_apology():
    data = {"reason": "Outside our policy", "alternative_offered": "Sorry."}
    assert "alternative_offered" in _errors(Action.DECLINE, data, role=Role.SUPERVISOR)


# --- the input layer behind every rule ---------------------------------------------------

OWN_OK = {"acknowledgement": "Apologised at the desk", "next_contact_by": LATER}


@pytest.mark.parametrize("when, reason", [
    (NOW + timedelta(days=367), "within a year"),
    (datetime(2300, 1, 1, tzinfo=UTC), "within a year"),
    (datetime(9999, 12, 31, tzinfo=UTC), "out of range"),
    (datetime(1, 1, 1, tzinfo=UTC), "out of range"),
    ("2300-01-01T00:00:00+00:00", "within a year"),
    ("next week", "offset"),
])
def test_promises_are_bounded_to_a_year_ahead(when, reason):
    for action, data in ((Action.OWN, {**OWN_OK, "next_contact_by": when}),
                         (Action.OFFER_FIX, _fix(committed_by=when))):
        errors = _errors(action, data)
        assert len(errors) == 1 and reason in next(iter(errors.values()))


def test_a_promise_just_within_the_year_is_accepted():
    data = {**OWN_OK, "next_contact_by": NOW + timedelta(days=366)}
    assert validate(Action.OWN, data, now=NOW)["next_contact_by"] == NOW + timedelta(days=366)


@pytest.mark.parametrize("text", ["Called\x00back", "\ud800", 12345, ["a"], {"a": "b"}])
def test_text_with_nul_broken_characters_or_another_type_is_named(text):
    errors = _errors(Action.OWN, {**OWN_OK, "acknowledgement": text})
    assert list(errors) == ["acknowledgement"]


def test_a_prevention_owner_fits_its_column():
    data = {"outcome": "Refunded one night", "customer_response": "accepted",
            "root_cause": "process", "root_cause_note": "List not updated",
            "prevention_action": "Check the list", "prevention_owner": "x" * 121,
            "prevention_due": date(2026, 12, 1)}
    assert _errors(Action.RESOLVE, data) == {"prevention_owner": "Use at most 120 characters."}


@pytest.mark.parametrize("due", [date(1, 1, 1), date(9999, 12, 31), date(2031, 11, 24),
                                 date(2021, 11, 22), "2026-12-01T00:00", "01/12/2026"])
def test_prevention_due_dates_stay_within_five_years(due):
    data = {"outcome": "Refunded one night", "customer_response": "accepted",
            "root_cause": "process", "root_cause_note": "List not updated",
            "prevention_action": "Check the list", "prevention_owner": "Housekeeping",
            "prevention_due": due}
    assert list(_errors(Action.RESOLVE, data)) == ["prevention_due"]


@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "0", str(2**31), 2**63, -1, True, "1.0"])
def test_ids_and_scores_take_ascii_digits_in_range_only(raw):
    assert list(_errors(Action.COMPLETE_PREVENTION, {"prevention_id": raw})) == [
        "prevention_id"]
    survey = {"kind": "survey", "reached": "yes", "csat": raw, "recovered": "yes"}
    assert list(_errors(Action.FOLLOW_UP, survey)) == ["csat"]


@pytest.mark.parametrize("raw", ["١٥٠", "１５０", "1" * 30])
def test_amounts_take_ascii_digits_only(raw):
    assert "compensation" in _errors(Action.OFFER_FIX, _fix(compensation=raw))
