"""Clock states, with by how much a clock is met or missed, in business time."""

from datetime import UTC, datetime, timedelta

import pytest

from sla.calendar import BusinessCalendar
from sla.clocks import Clock, ClockState, most_urgent, read_clock

ALWAYS = BusinessCalendar.from_spec("UTC", "24/7")
OFFICE = BusinessCalendar.from_spec("Asia/Shanghai", "mon-fri 09:00-12:00,13:00-18:00")
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
DUE = T0 + timedelta(hours=1)
WARN = T0 + timedelta(minutes=45)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "clock,minutes,state,margin_minutes",
    [
        (Clock("first_response", DUE, WARN), 10, ClockState.ON_TRACK, 50),
        (Clock("first_response", DUE, WARN), 45, ClockState.AT_RISK, 15),
        (Clock("first_response", DUE, WARN), 60, ClockState.BREACHED, 0),
        (Clock("first_response", DUE, WARN), 75, ClockState.BREACHED, -15),
        (Clock("first_response", DUE, WARN, met_at=_at(20)), 300, ClockState.MET, 40),
        (Clock("first_response", DUE, WARN, met_at=_at(60)), 300, ClockState.MET, 0),
        (Clock("first_response", DUE, WARN, met_at=_at(90)), 300, ClockState.MET_LATE, -30),
        (Clock("resolution", DUE, WARN, paused=True), 300, ClockState.PAUSED, None),
    ],
)
def test_clock_state_table(clock, minutes, state, margin_minutes):
    reading = read_clock(clock, _at(minutes), ALWAYS)
    assert reading.state is state
    expected = None if margin_minutes is None else timedelta(minutes=margin_minutes)
    assert reading.margin == expected


def test_a_clock_without_a_due_time_has_no_state():
    assert read_clock(Clock("next_contact", None), T0, ALWAYS) is None


def test_margins_count_business_time_only():
    due = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # 13:30 local, after the lunch break
    reading = read_clock(Clock("fix_offered", due), datetime(2026, 11, 23, 3, 30, tzinfo=UTC),
                         OFFICE)  # 11:30 local
    assert reading.margin == timedelta(minutes=60)
    late = read_clock(Clock("fix_offered", due, met_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),
                      T0, OFFICE)  # met next day 09:30 local
    assert (late.state, late.margin) == (ClockState.MET_LATE, -timedelta(hours=5))


def test_most_urgent_is_the_running_clock_with_least_time_left():
    readings = [
        read_clock(Clock("first_response", DUE, WARN, met_at=_at(1)), _at(50), ALWAYS),
        read_clock(Clock("fix_offered", _at(120), _at(90)), _at(50), ALWAYS),
        read_clock(Clock("next_contact", _at(55), _at(40)), _at(50), ALWAYS),
    ]
    assert most_urgent(readings).name == "next_contact"
    assert most_urgent(readings[:1]) is None
