"""Business calendars: when a site is open, and arithmetic in open ("business") time.

A calendar is a time zone, weekly opening slots (local wall times) and closed local dates.
Each slot [start, end) on local date D becomes one real interval: from the first instant whose
local wall time reaches D+start to the first instant whose wall time reaches D+end. So
ambiguous wall times (autumn fall-back) take their first occurrence, wall times that do not exist
(spring forward) take the moment the clocks jump, and DST days have their real length: a 24/7
day lasts 23 h or 25 h, 09:00-17:00 stays 8 h, a slot that lies wholly in the gap vanishes.

Every input must be timezone-aware; every output is an aware UTC datetime.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla.hours import DAY_NAMES, HoursSpecError, WeeklyHours, parse_hours_spec

MAX_CLOSED_DAYS = 3700
ONE_MICROSECOND = timedelta(microseconds=1)

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """The calendar or an argument to it is unusable; the message says why."""


def _as_utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise CalendarError(f"{moment!r} is not a timezone-aware datetime.")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in a zone, minus closed local dates."""

    zone: ZoneInfo
    hours: WeeklyHours
    holidays: frozenset[date] = frozenset()

    def __post_init__(self):
        if not isinstance(self.zone, ZoneInfo):
            raise CalendarError(f"{self.zone!r} is not a ZoneInfo time zone.")
        if len(self.hours.days) != len(DAY_NAMES):
            raise CalendarError("Business hours must give slots for each of the seven weekdays.")
        if self.hours.minutes_per_week == 0:
            raise CalendarError("The calendar must be open at some time in the week.")
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @classmethod
    def from_spec(
        cls, zone_name: str, hours_spec: str, holidays: Iterable[date] = ()
    ) -> "BusinessCalendar":
        """Build a calendar from an IANA zone name and an hours spec (see sla.hours)."""
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise CalendarError(f"'{zone_name}' is not a known time zone.") from exc
        try:
            hours = parse_hours_spec(hours_spec)
        except HoursSpecError as exc:
            raise CalendarError(str(exc)) from exc
        return cls(zone=zone, hours=hours, holidays=frozenset(holidays))

    def is_open(self, moment: datetime) -> bool:
        moment = _as_utc(moment)
        return next(self._intervals(moment, moment + ONE_MICROSECOND), None) is not None

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself (in UTC) when open, else the start of the next open interval."""
        start, _ = next(self._intervals(_as_utc(moment)))
        return start

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """Open intervals clipped to [start, end), in order, as aware UTC pairs.

        Intervals that touch (a slot ending at midnight, the next starting there) are joined,
        so the intervals are maximal and separated by closed time.
        """
        return _joined(self._intervals(_as_utc(start), _as_utc(end)))

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest moment after `start` by which `amount` of open time has passed."""
        start = _as_utc(start)
        if amount < timedelta(0):
            raise CalendarError(f"Cannot add a negative amount of business time ({amount}).")
        if not amount:
            return start
        remaining = amount
        for open_start, open_end in self._intervals(start):
            if open_end - open_start >= remaining:
                return open_start + remaining
            remaining -= open_end - open_start
        raise AssertionError("unreachable: unbounded intervals never run out")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end); negative when `end` is before `start`."""
        start, end = _as_utc(start), _as_utc(end)
        if end < start:
            return -self.business_time_between(end, start)
        return sum((b - a for a, b in self._intervals(start, end)), timedelta(0))

    def _intervals(self, start: datetime, end: datetime | None = None) -> Iterator[Interval]:
        """Open intervals clipped to [start, end), walking local days from start's local date.

        Unbounded when `end` is None; then a run of MAX_CLOSED_DAYS days without open time
        raises CalendarError instead of looping forever.
        """
        previous_end = start
        day = start.astimezone(self.zone).date()
        closed_days = 0
        while end is None or self._wall_to_utc(datetime.combine(day, time())) < end:
            found = False
            for slot_start, slot_end in self._day_intervals(day):
                slot_start = max(slot_start, previous_end)
                slot_end = slot_end if end is None else min(slot_end, end)
                if slot_end > slot_start:
                    found = True
                    previous_end = slot_end
                    yield slot_start, slot_end
            closed_days = 0 if found else closed_days + 1
            if end is None and closed_days > MAX_CLOSED_DAYS:
                raise CalendarError(f"No open time within {MAX_CLOSED_DAYS} days of {start}.")
            day += timedelta(days=1)

    def _day_intervals(self, day: date) -> Iterator[Interval]:
        """The slots of one local date as UTC intervals (empty ones skipped)."""
        if day in self.holidays:
            return
        midnight = datetime.combine(day, time())
        for slot in self.hours.slots_on(day.weekday()):
            start = self._wall_to_utc(midnight + timedelta(minutes=slot.start))
            end = self._wall_to_utc(midnight + timedelta(minutes=slot.end))
            if end > start:
                yield start, end

    def _wall_to_utc(self, wall: datetime) -> datetime:
        """The first instant whose local wall time is at or after the naive `wall`."""
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        if self._local_wall(first) == wall:
            return first
        return self._gap_end(wall)

    def _gap_end(self, wall: datetime) -> datetime:
        """For a wall time skipped by the clocks: the instant at which they jumped past it.

        The two folds bracket the jump: the earlier instant shows a wall time before `wall`,
        the later one a wall time after it; bisect down to the microsecond.
        """
        folds = [wall.replace(tzinfo=self.zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
        before, after = min(folds), max(folds)
        while after - before > ONE_MICROSECOND:
            middle = before + (after - before) // 2
            if self._local_wall(middle) >= wall:
                after = middle
            else:
                before = middle
        return after

    def _local_wall(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None)


def _joined(intervals: Iterable[Interval]) -> Iterator[Interval]:
    """Ordered intervals, with each run of touching ones joined into one."""
    pending: Interval | None = None
    for interval in intervals:
        if pending and pending[1] == interval[0]:
            pending = (pending[0], interval[1])
            continue
        if pending:
            yield pending
        pending = interval
    if pending:
        yield pending


def add_business_time(calendar: BusinessCalendar, start: datetime, amount: timedelta) -> datetime:
    """Module-level form of BusinessCalendar.add_business_time."""
    return calendar.add_business_time(start, amount)


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Module-level form of BusinessCalendar.business_time_between."""
    return calendar.business_time_between(start, end)
