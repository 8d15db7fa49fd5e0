"""Business calendars: open time per local day, DST days of real length, and the arithmetic laws."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import (
    BusinessCalendar,
    CalendarError,
    add_business_time,
    business_time_between,
)
from sla.hours import ALWAYS_OPEN, Slot, WeeklyHours

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
SPLIT_SHIFT = "mon-fri 09:00-12:00,13:00-18:00"
MICRO = timedelta(microseconds=1)


def local(zone: str, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def in_zone(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def real_elapsed(start: datetime, end: datetime) -> timedelta:
    """Python subtracts two datetimes sharing a tzinfo by wall clock; compare in UTC instead."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


# --- table tests: ordinary weeks -------------------------------------------------------------


def test_split_shift_skips_the_lunch_break():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    due = calendar.add_business_time(local(LONDON, 2026, 6, 1, 11, 50), timedelta(minutes=30))
    assert in_zone(due, LONDON) == local(LONDON, 2026, 6, 1, 13, 20)


def test_friday_evening_rolls_over_the_weekend():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    due = calendar.add_business_time(local(LONDON, 2026, 6, 5, 17, 30), hours(1))
    assert in_zone(due, LONDON) == local(LONDON, 2026, 6, 8, 9, 30)


def test_holiday_is_closed_all_day():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT, [date(2026, 6, 5)])
    due = calendar.add_business_time(local(LONDON, 2026, 6, 4, 17, 30), hours(1))
    assert in_zone(due, LONDON) == local(LONDON, 2026, 6, 8, 9, 30)
    assert not calendar.is_open(local(LONDON, 2026, 6, 5, 10))
    friday = calendar.business_time_between(local(LONDON, 2026, 6, 5), local(LONDON, 2026, 6, 6))
    assert friday == timedelta(0)


def test_adding_business_days_walks_whole_days():
    calendar = BusinessCalendar.from_spec(NEW_YORK, SPLIT_SHIFT)
    due = calendar.add_business_time(local(NEW_YORK, 2026, 6, 1, 9), hours(5 * 8))
    assert in_zone(due, NEW_YORK) == local(NEW_YORK, 2026, 6, 5, 18)


def test_outputs_are_utc_and_zero_adds_nothing():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    start = local(LONDON, 2026, 6, 6, 12)
    assert calendar.add_business_time(start, timedelta(0)) == start
    assert calendar.add_business_time(start, timedelta(0)).tzinfo is UTC
    assert calendar.next_open(start).tzinfo is UTC


def test_is_open_and_next_open_at_slot_edges():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    assert calendar.is_open(local(LONDON, 2026, 6, 1, 9))
    assert not calendar.is_open(local(LONDON, 2026, 6, 1, 12))
    assert calendar.next_open(local(LONDON, 2026, 6, 1, 10)) == local(LONDON, 2026, 6, 1, 10)
    assert calendar.next_open(local(LONDON, 2026, 6, 1, 12)) == local(LONDON, 2026, 6, 1, 13)
    assert calendar.next_open(local(LONDON, 2026, 6, 5, 18)) == local(LONDON, 2026, 6, 8, 9)


def test_open_intervals_are_clipped_and_ordered():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    intervals = list(
        calendar.open_intervals(local(LONDON, 2026, 6, 1, 10), local(LONDON, 2026, 6, 2, 10))
    )
    expected = [
        (local(LONDON, 2026, 6, 1, 10), local(LONDON, 2026, 6, 1, 12)),
        (local(LONDON, 2026, 6, 1, 13), local(LONDON, 2026, 6, 1, 18)),
        (local(LONDON, 2026, 6, 2, 9), local(LONDON, 2026, 6, 2, 10)),
    ]
    assert intervals == expected
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in intervals)


def test_touching_intervals_are_joined():
    calendar = BusinessCalendar.from_spec(LONDON, "mon-fri 09:00-24:00; sat 00:00-02:00")
    start, end = local(LONDON, 2026, 6, 5, 10), local(LONDON, 2026, 6, 8, 10)
    assert list(calendar.open_intervals(start, end)) == [
        (local(LONDON, 2026, 6, 5, 10), local(LONDON, 2026, 6, 6, 2)),
        (local(LONDON, 2026, 6, 8, 9), local(LONDON, 2026, 6, 8, 10)),
    ]


def test_between_is_negative_backwards_and_module_wrappers_agree():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    start, end = local(LONDON, 2026, 6, 1, 11), local(LONDON, 2026, 6, 1, 14)
    assert business_time_between(calendar, start, end) == hours(2)
    assert business_time_between(calendar, end, start) == -hours(2)
    assert add_business_time(calendar, start, hours(2)) == end


# --- table tests: DST ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "length"),
    [
        (LONDON, date(2026, 3, 29), hours(23)),
        (LONDON, date(2026, 10, 25), hours(25)),
        (NEW_YORK, date(2026, 3, 8), hours(23)),
        (NEW_YORK, date(2026, 11, 1), hours(25)),
        ("Australia/Lord_Howe", date(2026, 10, 4), hours(23.5)),
        ("Australia/Lord_Howe", date(2026, 4, 5), hours(24.5)),
        ("Asia/Shanghai", date(2026, 3, 8), hours(24)),
    ],
)
def test_always_open_day_has_its_real_length(zone, day, length):
    calendar = BusinessCalendar.from_spec(zone, "24/7")
    start = local(zone, day.year, day.month, day.day)
    end = local(zone, day.year, day.month, day.day + 1)
    assert calendar.business_time_between(start, end) == length == real_elapsed(start, end)


@pytest.mark.parametrize(
    ("zone", "day", "length"),
    [
        (LONDON, date(2026, 3, 29), hours(1.5)),
        (LONDON, date(2026, 10, 25), hours(3.5)),
        (NEW_YORK, date(2026, 3, 8), hours(1.5)),
        (NEW_YORK, date(2026, 11, 1), hours(3.5)),
        ("Australia/Lord_Howe", date(2026, 10, 4), hours(2)),
        ("Australia/Lord_Howe", date(2026, 4, 5), hours(3)),
    ],
)
def test_slot_across_the_change_has_its_real_length(zone, day, length):
    calendar = BusinessCalendar.from_spec(zone, "sun 00:30-03:00")
    start = local(zone, day.year, day.month, day.day)
    assert calendar.business_time_between(start, start + hours(30)) == length


@pytest.mark.parametrize(
    ("zone", "day", "spec"),
    [
        (LONDON, date(2026, 3, 29), "sun 01:10-01:50"),
        (NEW_YORK, date(2026, 3, 8), "sun 02:00-03:00"),
        ("Australia/Lord_Howe", date(2026, 10, 4), "sun 02:05-02:25"),
    ],
)
def test_slot_wholly_in_the_spring_gap_vanishes(zone, day, spec):
    calendar = BusinessCalendar.from_spec(zone, spec)
    start = local(zone, day.year, day.month, day.day)
    assert calendar.business_time_between(start, start + hours(24)) == timedelta(0)
    assert list(calendar.open_intervals(start, start + hours(24))) == []


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        (LONDON, (date(2026, 3, 29), date(2026, 10, 25))),
        (NEW_YORK, (date(2026, 3, 8), date(2026, 11, 1))),
    ],
)
def test_office_hours_stay_eight_hours_on_dst_days(zone, days):
    calendar = BusinessCalendar.from_spec(zone, "mon-sun 09:00-17:00")
    for day in days:
        start = local(zone, day.year, day.month, day.day)
        assert calendar.business_time_between(start, start + hours(26)) == hours(8)


@pytest.mark.parametrize(
    ("zone", "saturday", "sunday"),
    [
        (LONDON, date(2026, 3, 28), date(2026, 3, 29)),
        (LONDON, date(2026, 10, 24), date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 7), date(2026, 3, 8)),
        (NEW_YORK, date(2026, 10, 31), date(2026, 11, 1)),
    ],
)
def test_adding_across_the_change_lands_on_the_right_wall_time(zone, saturday, sunday):
    calendar = BusinessCalendar.from_spec(zone, "sat-sun 09:00-17:00")
    start = local(zone, saturday.year, saturday.month, saturday.day, 16)
    due = calendar.add_business_time(start, hours(2))
    assert in_zone(due, zone) == local(zone, sunday.year, sunday.month, sunday.day, 10)


# --- errors ----------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    naive = datetime(2026, 6, 1, 10)
    aware = local(LONDON, 2026, 6, 1, 10)
    for call in (
        lambda: calendar.is_open(naive),
        lambda: calendar.next_open(naive),
        lambda: calendar.open_intervals(naive, aware),
        lambda: calendar.add_business_time(naive, hours(1)),
        lambda: calendar.business_time_between(aware, naive),
    ):
        with pytest.raises(CalendarError):
            call()


def test_negative_amount_is_refused():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    with pytest.raises(CalendarError, match="negative"):
        calendar.add_business_time(local(LONDON, 2026, 6, 1, 10), -MICRO)


def test_never_open_calendars_are_refused():
    closed = WeeklyHours(days=((),) * 7)
    with pytest.raises(CalendarError, match="open"):
        BusinessCalendar(zone=ZoneInfo(LONDON), hours=closed)
    with pytest.raises(CalendarError):
        BusinessCalendar.from_spec(LONDON, "mon 09:00-09:00")
    with pytest.raises(CalendarError, match="time zone"):
        BusinessCalendar.from_spec("Mars/Olympus_Mons", "24/7")


def test_endless_holidays_raise_instead_of_looping():
    first = date(2026, 1, 1)
    holidays = [first + timedelta(days=n) for n in range(4000)]
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT, holidays)
    start = local(LONDON, 2026, 1, 1, 10)
    assert not calendar.is_open(start)
    assert calendar.business_time_between(start, start + timedelta(days=30)) == timedelta(0)
    with pytest.raises(CalendarError, match="No open time"):
        calendar.next_open(start)
    with pytest.raises(CalendarError, match="No open time"):
        calendar.add_business_time(start, hours(1))


# --- properties ------------------------------------------------------------------------------

ZONES = ["UTC", "Asia/Shanghai", LONDON, NEW_YORK, "Australia/Lord_Howe"]
SPECS = [
    "24/7",
    SPLIT_SHIFT,
    "sat-sun 09:00-17:00",
    "mon-fri 08:00-20:00; sat 10:00-14:00",
    "mon-fri 09:00-17:00; sun 00:30-01:20,01:40-02:10,02:20-03:00,23:30-24:00",
]
CLOCK_CHANGE_DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
]
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)

amounts = st.integers(min_value=0, max_value=10 * 24 * 60).map(lambda m: timedelta(minutes=m))
offsets = st.integers(min_value=-3 * 24 * 60, max_value=20 * 24 * 60).map(
    lambda m: timedelta(minutes=m)
)


any_moment = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31))
near_a_clock_change = st.builds(
    lambda day, minutes: datetime.combine(day, datetime.min.time()) - timedelta(minutes=minutes),
    st.sampled_from(CLOCK_CHANGE_DAYS),
    st.integers(min_value=0, max_value=3 * 24 * 60),
)


@st.composite
def calendars_and_starts(draw):
    """A calendar and an aware start; holidays (if any) fall in the weeks after the start.

    The start is converted to UTC so that `start + offset` is real elapsed time.
    """
    zone = draw(st.sampled_from(ZONES))
    naive = draw(st.one_of(any_moment, near_a_clock_change))
    start = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    offsets_in_days = draw(st.frozensets(st.integers(min_value=-1, max_value=40), max_size=12))
    holidays = [naive.date() + timedelta(days=n) for n in offsets_in_days]
    calendar = BusinessCalendar.from_spec(zone, draw(st.sampled_from(SPECS)), holidays)
    return calendar, start


@PROPERTY_SETTINGS
@given(calendars_and_starts(), amounts)
def test_add_lands_at_the_earliest_moment_with_that_much_open_time(case, amount):
    calendar, start = case
    due = calendar.add_business_time(start, amount)
    assert due.tzinfo is UTC
    assert calendar.business_time_between(start, due) == amount
    if amount:
        assert due > start
        assert calendar.is_open(due - MICRO)
        assert calendar.business_time_between(start, due - MICRO) == amount - MICRO
    else:
        assert due == start


@PROPERTY_SETTINGS
@given(calendars_and_starts(), amounts, amounts)
def test_add_is_additive_and_monotone(case, first, second):
    calendar, start = case
    middle = calendar.add_business_time(start, first)
    assert calendar.add_business_time(middle, second) == calendar.add_business_time(
        start, first + second
    )
    smaller, larger = sorted((first, second))
    assert calendar.add_business_time(start, smaller) <= calendar.add_business_time(start, larger)


@PROPERTY_SETTINGS
@given(calendars_and_starts(), offsets, offsets)
def test_between_is_additive_monotone_and_bounded(case, first, second):
    calendar, start = case
    near, far = start + min(first, second), start + max(first, second)
    to_near = calendar.business_time_between(start, near)
    to_far = calendar.business_time_between(start, far)
    assert to_near + calendar.business_time_between(near, far) == to_far
    assert to_near <= to_far
    assert timedelta(0) <= calendar.business_time_between(near, far) <= far - near
    assert calendar.business_time_between(far, near) == -calendar.business_time_between(near, far)


@PROPERTY_SETTINGS
@given(calendars_and_starts(), offsets)
def test_open_intervals_partition_the_open_time(case, length):
    calendar, start = case
    end = start + abs(length)
    intervals = list(calendar.open_intervals(start, end))
    assert all(a < b for a, b in intervals)
    assert all(b < c for (_, b), (c, _) in zip(intervals, intervals[1:], strict=False))
    assert all(start <= a and b <= end for a, b in intervals)
    assert sum((b - a for a, b in intervals), timedelta(0)) == calendar.business_time_between(
        start, end
    )
    for a, b in intervals:
        assert calendar.is_open(a) and calendar.is_open(b - MICRO)


@PROPERTY_SETTINGS
@given(calendars_and_starts())
def test_next_open_is_the_first_open_moment(case):
    calendar, start = case
    opening = calendar.next_open(start)
    assert opening >= start
    assert calendar.is_open(opening)
    assert calendar.business_time_between(start, opening) == timedelta(0)
    assert (opening == start) == calendar.is_open(start)


@PROPERTY_SETTINGS
@given(
    st.sampled_from(ZONES),
    st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    amounts,
)
def test_always_open_is_plain_elapsed_time(zone, start, amount):
    calendar = BusinessCalendar(zone=ZoneInfo(zone), hours=ALWAYS_OPEN)
    assert calendar.add_business_time(start, amount) == start + amount
    assert calendar.business_time_between(start, start + amount) == amount
    assert calendar.is_open(start)


def test_slots_exactly_filling_a_day_join_seamlessly():
    day = (Slot(0, 600), Slot(600, 1440))
    calendar = BusinessCalendar(zone=ZoneInfo(LONDON), hours=WeeklyHours(days=(day,) * 7))
    start = local(LONDON, 2026, 10, 24)
    end = local(LONDON, 2026, 10, 27)
    assert calendar.business_time_between(start, end) == real_elapsed(start, end)


# --- long spans: whole weeks computed, not walked -------------------------------------------

LONG_ZONES = ZONES + ["Africa/Casablanca", "America/Havana", "Pacific/Apia", "America/Santiago"]
LONG_SPECS = SPECS + ["sun 01:00-02:00", "mon-sun 00:00-01:00,23:00-24:00"]
long_offsets = st.integers(min_value=0, max_value=120 * 24 * 60).map(lambda m: timedelta(minutes=m))


def walked_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The reference: every local day walked, as the calendar did before spans were computed."""
    return sum((b - a for a, b in calendar._intervals(start, end)), timedelta(0))


def walked_add(calendar: BusinessCalendar, start: datetime, amount: timedelta) -> datetime:
    remaining = amount
    for open_start, open_end in calendar._intervals(start):
        if open_end - open_start >= remaining:
            return open_start + remaining
        remaining -= open_end - open_start
    raise AssertionError("unreachable")


@st.composite
def long_calendars_and_starts(draw):
    """Calendars of zones with DST and odd rule changes, holidays over the next months."""
    zone = draw(st.sampled_from(LONG_ZONES))
    naive = draw(st.datetimes(min_value=datetime(2008, 1, 1), max_value=datetime(2030, 12, 31)))
    start = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    offsets_in_days = draw(st.frozensets(st.integers(min_value=-3, max_value=130), max_size=15))
    holidays = [naive.date() + timedelta(days=n) for n in offsets_in_days]
    calendar = BusinessCalendar.from_spec(zone, draw(st.sampled_from(LONG_SPECS)), holidays)
    return calendar, start


@PROPERTY_SETTINGS
@given(long_calendars_and_starts(), long_offsets)
def test_computed_weeks_agree_with_the_day_walk_for_spans_of_months(case, length):
    calendar, start = case
    end = start + length
    assert calendar.business_time_between(start, end) == walked_between(calendar, start, end)
    assert calendar.business_time_between(end, start) == -walked_between(calendar, start, end)


@PROPERTY_SETTINGS
@given(long_calendars_and_starts(), st.integers(min_value=0, max_value=40))
def test_adding_months_of_business_time_agrees_with_the_day_walk(case, weeks):
    calendar, start = case
    amount = timedelta(minutes=calendar.hours.minutes_per_week) * weeks + timedelta(minutes=7)
    assert calendar.add_business_time(start, amount) == walked_add(calendar, start, amount)


class CountingCalendar(BusinessCalendar):
    """Counts the local days walked (the costly step) and the zone samples taken."""

    def __post_init__(self):
        super().__post_init__()
        object.__setattr__(self, "days_walked", 0)

    def _day_intervals(self, day):
        object.__setattr__(self, "days_walked", self.days_walked + 1)
        return super()._day_intervals(day)


def test_a_five_year_span_walks_a_bounded_number_of_days(monkeypatch):
    from sla import calendar as calendar_module

    samples = []
    real_offset = calendar_module._offset_at_midnight
    monkeypatch.setattr(calendar_module, "_offset_at_midnight",
                        lambda zone, day: samples.append(day) or real_offset(zone, day))
    calendar_module.offset_change_days.cache_clear()
    holidays = [date(2027 + n, 12, 25) for n in range(5)]
    calendar = CountingCalendar(zone=ZoneInfo(LONDON),
                                hours=BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT).hours,
                                holidays=frozenset(holidays))
    start = local(LONDON, 2026, 6, 1, 10)
    end = start + timedelta(days=5 * 365)
    total = calendar.business_time_between(start, end)
    walked_for_between = calendar.days_walked
    due = calendar.add_business_time(start, total)
    assert walked_for_between <= 8 + 10 + 5, "two ends, ten DST days, five holidays"
    assert calendar.days_walked - walked_for_between <= 2 * (8 + 10 + 5) + 21
    assert len(samples) <= 6 * (54 + 2 * 14), "weekly samples and two change weeks a year"
    assert total == walked_between(calendar, start, end)
    assert calendar.business_time_between(start, due) == total
    samples.clear()
    calendar.business_time_between(start, end)
    assert samples == [], "the zone's changes are cached per year"


def test_spans_beyond_the_cap_are_refused_not_walked():
    calendar = BusinessCalendar.from_spec(LONDON, SPLIT_SHIFT)
    start = local(LONDON, 2026, 6, 1, 10)
    year_2300 = datetime(2300, 1, 1, tzinfo=UTC)
    with pytest.raises(CalendarError, match="beyond"):
        calendar.business_time_between(start, year_2300)
    with pytest.raises(CalendarError, match="beyond"):
        calendar.add_business_time(start, year_2300 - start)
    with pytest.raises(CalendarError, match="outside the years"):
        calendar.business_time_between(datetime(1, 1, 1, tzinfo=UTC), start)
    assert isinstance(CalendarError("x"), ValueError)


def test_a_calendar_open_a_minute_a_week_refuses_a_century_instead_of_overflowing():
    calendar = BusinessCalendar.from_spec(LONDON, "sun 01:00-01:01")
    start = local(LONDON, 2026, 6, 1, 10)
    assert calendar.add_business_time(start, timedelta(minutes=3)) == local(
        LONDON, 2026, 6, 21, 1, 1)
    with pytest.raises(CalendarError, match="beyond"):
        calendar.add_business_time(start, timedelta(days=3650))
