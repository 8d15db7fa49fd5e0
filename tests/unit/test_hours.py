"""Business-hours specs: parsing, canonical formatting and errors that name the bad part."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.hours import (
    ALWAYS_OPEN,
    HoursSpecError,
    Slot,
    WeeklyHours,
    format_hours_spec,
    parse_hours_spec,
)


def test_split_shifts_and_weekend_hours():
    hours = parse_hours_spec("mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00")
    assert hours.slots_on(0) == (Slot(540, 720), Slot(780, 1080))
    assert hours.slots_on(5) == (Slot(600, 960),)
    assert hours.slots_on(6) == ()
    assert hours.minutes_per_week == 5 * 480 + 360


@pytest.mark.parametrize("spec", ["24/7", "24x7", " 24/7 ", "mon-sun 00:00-24:00"])
def test_always_open(spec):
    assert parse_hours_spec(spec) == ALWAYS_OPEN
    assert format_hours_spec(parse_hours_spec(spec)) == "24/7"


def test_formatting_is_canonical():
    spec = "Sat 10:00-16:00;mon,tue,wed-fri 13:00-18:00 , 09:00-12:00"
    assert format_hours_spec(parse_hours_spec(spec)) == (
        "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00"
    )


@pytest.mark.parametrize(
    "spec,named",
    [
        ("", "Enter the business hours"),
        ("mon-fri 18:00-09:00", "18:00-09:00"),
        ("mon-fri 9-17", "9-17"),
        ("mon-fri 09:00-25:00", "09:00-25:00"),
        ("mon-fri 09:60-10:00", "09:60-10:00"),
        ("funday 09:00-17:00", "funday"),
        ("mon-fri", "mon-fri"),
        ("fri-mon 09:00-17:00", "fri-mon"),
        ("mon 09:00-12:00,11:00-13:00", "overlap"),
        ("mon 09:00-12:00; mon 13:00-14:00", "listed twice"),
        ("mon ²9:00-12:00", "²9:00-12:00"),
        ("mon ٠٩:٠٠-12:00", "٠٩:٠٠-12:00"),
        ("mon 09:00-１２:00", "09:00-１２:00"),
        ("mon 009:00-12:00", "009:00-12:00"),
        ("mon " + "9" * 5000 + ":00-12:00", "HH:MM"),
    ],
)
def test_malformed_specs_name_the_bad_part(spec, named):
    with pytest.raises(HoursSpecError) as failed:
        parse_hours_spec(spec)
    assert named in str(failed.value)


slots = st.lists(
    st.tuples(st.integers(0, 47), st.integers(1, 48)).filter(lambda t: t[0] < t[1]),
    max_size=3,
)


@given(st.lists(slots, min_size=7, max_size=7))
def test_format_then_parse_round_trips(days):
    per_day = []
    for day in days:
        chosen, end = [], -1
        for start, stop in sorted(day):
            if start * 30 >= end:
                chosen.append(Slot(start * 30, stop * 30))
                end = stop * 30
        per_day.append(tuple(chosen))
    hours = WeeklyHours(days=tuple(per_day))
    if hours.minutes_per_week == 0:
        return
    assert parse_hours_spec(format_hours_spec(hours)) == hours
