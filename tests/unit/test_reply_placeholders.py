"""Canned-reply placeholders are filled safely, and the short plain text always fits."""

import pytest

from correspondence.placeholders import (
    PLACEHOLDERS,
    fill,
    placeholders_in,
    unknown_placeholders,
)
from correspondence.wording import SHORT_TEXT_LIMIT, clip, short_text

VALUES = {"customer": "Ann Lee", "reference": "SR-000042", "owner": "Lin Mei",
          "promise": "Monday 14:00"}


def test_the_four_placeholders():
    assert PLACEHOLDERS == ("customer", "reference", "owner", "promise")


def test_every_known_placeholder_is_filled():
    text = "Dear {customer}, {reference} is with {owner} until {promise}. {customer}!"
    assert fill(text, VALUES) == (
        "Dear Ann Lee, SR-000042 is with Lin Mei until Monday 14:00. Ann Lee!")


def test_a_missing_value_fills_nothing():
    assert fill("By {promise}.", {**VALUES, "promise": ""}) == "By ."
    assert fill("By {promise}.", {}) == "By ."


@pytest.mark.parametrize("text,unknown", [
    ("Hello {name}", ["name"]),
    ("{customer.__class__}", ["customer.__class__"]),
    ("{customer[0]} and {0}", ["customer[0]", "0"]),
    ("{customer!r} {customer:>99}", ["customer!r", "customer:>99"]),
    ("{Customer} {customer}", ["Customer"]),
    ("{owner} {secret} {secret}", ["secret"]),
    ("{ a b }", ["a b"]),
])
def test_anything_else_in_braces_is_an_unknown_placeholder(text, unknown):
    assert unknown_placeholders(text) == unknown


def test_attribute_and_index_lookups_are_never_evaluated():
    text = "{customer.__class__.__mro__} {customer[0]} {customer!r} {customer:>99}"
    assert fill(text, VALUES) == text


def test_spaces_inside_the_braces_are_forgiven():
    assert unknown_placeholders("{ customer } {owner }") == []
    assert fill("Dear { customer },", VALUES) == "Dear Ann Lee,"


def test_values_are_not_filled_again():
    """A guest called "{owner}" stays as named: one pass only."""
    assert fill("Dear {customer}", {**VALUES, "customer": "{owner}"}) == "Dear {owner}"
    assert fill("{customer}", {"customer": "%(x)s {{y}}"}) == "%(x)s {{y}}"


@pytest.mark.parametrize("text", ["{", "}", "{}", "{ }", "a { b", "50% off {",
                                  "中文｛customer｝", "}{"])
def test_a_lone_brace_or_empty_braces_are_plain_text(text):
    assert unknown_placeholders(text) == []
    assert fill(text, VALUES) == text


def test_placeholders_in_lists_each_once_in_order():
    assert placeholders_in("{owner} {customer} {owner}") == ["owner", "customer"]
    assert placeholders_in("") == [] and placeholders_in(None) == []


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert clip("  two\n\nlines  ", 20) == "two lines"
    assert clip("one two three four five", 12) == "one two…"
    chinese = "很长的中文没有空格" * 10
    clipped = clip(chinese, 10)
    assert len(clipped) == 10 and clipped.endswith("…") and clipped.startswith("很长的")


def test_the_short_text_fits_and_keeps_the_link_whole():
    link = "Status: https://desk.example/status/" + "x" * 60
    text = short_text("[SR-000042] Lakeside:", "word " * 200, link)
    assert len(text) <= SHORT_TEXT_LIMIT
    assert text.startswith("[SR-000042] Lakeside: word") and text.endswith(link)
    assert "…" in text


def test_a_short_message_is_left_as_written():
    assert short_text("[SR-1] Hotel:", "See you at 14:00.", "Status: http://x/s/1") == (
        "[SR-1] Hotel: See you at 14:00. Status: http://x/s/1")
    assert short_text("[SR-1] Hotel: owner Lin.", "", "http://x") == (
        "[SR-1] Hotel: owner Lin. http://x")


def test_even_a_very_long_lead_leaves_room_for_the_link():
    text = short_text("L" * 500, "detail", "http://x/s/1", limit=50)
    assert len(text) <= 50 and text.endswith(" http://x/s/1")
