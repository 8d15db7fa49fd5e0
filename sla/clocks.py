"""The state of one SLA clock at a moment, and by how much it is met or missed.

A clock runs from `started_at` to `due`; it turns at risk at `warn_at`; it stops when met.
While paused (the ticket waits on the customer's answer) it neither runs nor warns.
Margins are business time: positive = left or early, negative = overdue or late.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sla.calendar import BusinessCalendar


class ClockState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"
    PAUSED = "paused"


RUNNING = (ClockState.ON_TRACK, ClockState.AT_RISK, ClockState.BREACHED)


@dataclass(frozen=True)
class Clock:
    """What a ticket knows about one clock."""

    name: str
    due: datetime | None
    warn_at: datetime | None = None
    met_at: datetime | None = None
    paused: bool = False


@dataclass(frozen=True)
class ClockReading:
    name: str
    state: ClockState
    due: datetime | None
    met_at: datetime | None
    margin: timedelta | None

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING


def read_clock(clock: Clock, now: datetime, calendar: BusinessCalendar) -> ClockReading | None:
    """The clock's state at `now`; None when it has no due time (not started)."""
    if clock.due is None:
        return None
    if clock.met_at is not None:
        margin = calendar.business_time_between(clock.met_at, clock.due)
        state = ClockState.MET if clock.met_at <= clock.due else ClockState.MET_LATE
        return ClockReading(clock.name, state, clock.due, clock.met_at, margin)
    if clock.paused:
        return ClockReading(clock.name, ClockState.PAUSED, clock.due, None, None)
    margin = calendar.business_time_between(now, clock.due)
    if now >= clock.due:
        state = ClockState.BREACHED
    elif clock.warn_at is not None and now >= clock.warn_at:
        state = ClockState.AT_RISK
    else:
        state = ClockState.ON_TRACK
    return ClockReading(clock.name, state, clock.due, None, margin)


def most_urgent(readings: list[ClockReading]) -> ClockReading | None:
    """The running clock that is closest to (or furthest past) its due time."""
    running = [r for r in readings if r is not None and r.is_running]
    return min(running, key=lambda r: r.margin, default=None)
