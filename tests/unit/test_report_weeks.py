"""ISO weeks of the weekly report: parsing, local-week windows across DST, the Monday trigger."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.weeks import (
    IsoWeek,
    day_windows,
    format_week,
    last_trigger,
    last_weeks,
    parse_week,
    previous_week,
    week_of,
    week_of_date,
    window,
)

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
ZONES = [
    "Pacific/Auckland",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "UTC",
]
HOUR = timedelta(hours=1)

weeks = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)).map(week_of_date)
zones = st.sampled_from(ZONES)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC)
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


# --- parsing and formatting ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-W47", "2026-w47", " 2026-W47 "])
def test_parse_week_accepts_upper_and_lower_case(text):
    assert parse_week(text) == IsoWeek(2026, 47)
    assert format_week(text) == "2026-W47"


def test_parse_week_knows_which_years_have_53_weeks():
    assert parse_week("2026-W53") == IsoWeek(2026, 53)
    assert parse_week("2020-W53").monday == date(2020, 12, 28)
    with pytest.raises(ValueError, match="2025 has weeks 1 to 52 only"):
        parse_week("2025-W53")


@pytest.mark.parametrize(
    "text",
    ["", "2026W47", "2026-W7", "2026-47", "26-W10", "2026-W47-1", "abcd-Wef", "2026-W4７"],
)
def test_parse_week_refuses_garbage_with_the_expected_shape(text):
    with pytest.raises(ValueError, match="YYYY-Www"):
        parse_week(text)


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54"])
def test_parse_week_refuses_a_week_number_out_of_range(text):
    with pytest.raises(ValueError, match="weeks 1 to 53"):
        parse_week(text)


def test_parse_week_refuses_a_non_string():
    with pytest.raises(ValueError, match="not an ISO week"):
        parse_week(None)


@given(st.dates(min_value=date(1900, 1, 8), max_value=date(9998, 12, 1)))
def test_format_and_parse_round_trip(day):
    week = week_of_date(day)
    assert parse_week(format_week(week)) == week
    assert parse_week(str(week).lower()) == week
    assert week.monday <= day < week.monday + timedelta(days=7)


# --- weeks of moments, previous weeks, runs of weeks ------------------------------------------


def test_week_of_reads_the_local_wall_clock():
    monday_half_past_midnight = utc(2026, 11, 15, 11, 30)  # Sunday in UTC
    assert week_of(monday_half_past_midnight, AUCKLAND) == IsoWeek(2026, 47)
    assert week_of(monday_half_past_midnight, "UTC") == IsoWeek(2026, 46)
    assert week_of(utc(2026, 11, 23, 7, 30), LOS_ANGELES) == IsoWeek(2026, 47)


def test_week_of_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        week_of(datetime(2026, 11, 16, 9, 0), AUCKLAND)


def test_previous_week_crosses_years_of_52_and_53_weeks():
    assert previous_week("2026-W01") == IsoWeek(2025, 52)
    assert previous_week("2027-W01") == IsoWeek(2026, 53)
    assert previous_week(IsoWeek(2026, 47)) == IsoWeek(2026, 46)


def test_last_weeks_end_with_the_week_oldest_first():
    assert last_weeks("2027-W02", 3) == [IsoWeek(2026, 53), IsoWeek(2027, 1), IsoWeek(2027, 2)]
    assert len(last_weeks("2026-W47", 8)) == 8
    assert last_weeks("2026-W47", 0) == []
    with pytest.raises(ValueError):
        last_weeks("2026-W47", -1)


# --- windows ---------------------------------------------------------------------------------


def test_window_is_monday_midnight_to_monday_midnight_local_in_utc():
    assert window("2026-W47", AUCKLAND) == (utc(2026, 11, 15, 11), utc(2026, 11, 22, 11))
    assert window("2026-W47", LOS_ANGELES) == (utc(2026, 11, 16, 8), utc(2026, 11, 23, 8))
    assert window("2026-W47", "UTC") == (utc(2026, 11, 16), utc(2026, 11, 23))


@pytest.mark.parametrize(
    ("zone", "week", "hours"),
    [
        (AUCKLAND, "2026-W14", 169),  # NZDT ends on Sunday 5 April
        (AUCKLAND, "2026-W39", 167),  # NZDT starts on Sunday 27 September
        (LOS_ANGELES, "2026-W10", 167),  # PDT starts on Sunday 8 March
        (LOS_ANGELES, "2026-W44", 169),  # PDT ends on Sunday 1 November
        (LOS_ANGELES, "2026-W47", 168),
    ],
)
def test_a_week_across_a_dst_change_is_167_or_169_hours(zone, week, hours):
    start, end = window(week, zone)
    assert end - start == timedelta(hours=hours)


def test_day_windows_are_local_days_of_real_length():
    days = day_windows("2026-W44", LOS_ANGELES)
    assert len(days) == 7
    assert days[0][0] == utc(2026, 10, 26, 7)
    assert [end - start for start, end in days] == [24 * HOUR] * 6 + [25 * HOUR]
    assert days[-1][1] == window("2026-W44", LOS_ANGELES)[1]


@settings(max_examples=200)
@given(weeks, zones)
def test_windows_of_consecutive_weeks_tile_without_gap_or_overlap(week, zone):
    start, end = window(week, zone)
    next_start, _next_end = window(week_of_date(week.monday + timedelta(days=7)), zone)
    assert end == next_start
    assert timedelta(hours=167) <= end - start <= timedelta(hours=169)
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert start.astimezone(ZoneInfo(zone)).time() == time(0)


@settings(max_examples=200)
@given(weeks, zones)
def test_day_windows_tile_the_week(week, zone):
    days = day_windows(week, zone)
    assert (days[0][0], days[-1][1]) == window(week, zone)
    for (_start, end), (next_start, _end) in zip(days, days[1:], strict=False):
        assert end == next_start
    local_days = [start.astimezone(ZoneInfo(zone)).date() for start, _end in days]
    assert local_days == [week.monday + timedelta(days=n) for n in range(7)]


@settings(max_examples=300)
@given(moments, zones)
def test_every_moment_falls_in_the_window_of_its_week(moment, zone):
    start, end = window(week_of(moment, zone), zone)
    assert start <= moment < end


# --- the Monday 08:00 trigger ------------------------------------------------------------------


def test_trigger_at_monday_eight_reports_the_week_just_ended():
    monday_eight = local(AUCKLAND, 2026, 11, 23, 8, 0)
    trigger, week = last_trigger(monday_eight, AUCKLAND)
    assert trigger == utc(2026, 11, 22, 19, 0)  # a Sunday in UTC
    assert week == IsoWeek(2026, 47)


def test_before_eight_on_monday_the_trigger_is_the_previous_monday():
    trigger, week = last_trigger(local(AUCKLAND, 2026, 11, 23, 7, 59), AUCKLAND)
    assert trigger == local(AUCKLAND, 2026, 11, 16, 8, 0)
    assert week == IsoWeek(2026, 46)


def test_trigger_keeps_eight_local_across_dst():
    trigger, week = last_trigger(local(LOS_ANGELES, 2026, 11, 4, 12, 0), LOS_ANGELES)
    assert trigger == utc(2026, 11, 2, 16, 0)  # 08:00 PST, the day after PDT ended
    assert week == IsoWeek(2026, 44)
    before, _week = last_trigger(local(LOS_ANGELES, 2026, 11, 2, 7, 0), LOS_ANGELES)
    assert before == utc(2026, 10, 26, 15, 0)  # 08:00 PDT


def test_trigger_weekday_and_hour_can_be_chosen():
    trigger, week = last_trigger(local(AUCKLAND, 2026, 11, 23, 8, 0), AUCKLAND, 4, 17)
    assert trigger == local(AUCKLAND, 2026, 11, 20, 17, 0)
    assert week == IsoWeek(2026, 46)


@settings(max_examples=300)
@given(moments, zones)
def test_the_trigger_is_the_latest_monday_eight_not_after_now(now, zone):
    tz = ZoneInfo(zone)
    trigger, week = last_trigger(now, zone)
    wall = trigger.astimezone(tz)
    assert trigger <= now
    assert (wall.weekday(), wall.time()) == (0, time(8))
    following = datetime.combine(wall.date() + timedelta(days=7), time(8), tzinfo=tz)
    assert following.astimezone(UTC) > now
    assert week == previous_week(week_of(trigger, zone))
