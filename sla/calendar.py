"""Business calendars: when a site is open, and arithmetic in open ("business") time.

A calendar is a time zone, weekly opening slots (local wall times) and closed local dates.
Each slot [start, end) on local date D becomes one real interval: from the first instant whose
local wall time reaches D+start to the first instant whose wall time reaches D+end. So
ambiguous wall times (autumn fall-back) take their first occurrence, wall times that do not exist
(spring forward) take the moment the clocks jump, and DST days have their real length: a 24/7
day lasts 23 h or 25 h, 09:00-17:00 stays 8 h, a slot that lies wholly in the gap vanishes.

Long spans are computed, not walked: whole local weeks count the weekly open minutes, then
each holiday and each day whose UTC offset changes (DST, a zone's new rules) inside them is
corrected by walking that one day. At most a few weeks of days are walked at the ends, so a
promise a year ahead costs about what one a day ahead does. Spans and amounts beyond MAX_SPAN
(a century) are refused with CalendarError (a ValueError); the domain bounds its dates well
inside it (`core.inputs`: promises at most a year ahead).

Every input must be timezone-aware; every output is an aware UTC datetime.
"""

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla.hours import DAY_NAMES, HoursSpecError, WeeklyHours, parse_hours_spec

MAX_CLOSED_DAYS = 3700
MAX_SPAN = timedelta(days=366 * 100)
MIN_YEAR, MAX_YEAR = 1000, 9000
WALKED_DAYS = 21
DAYS_KEPT = 1000  # local days a calendar remembers (see BusinessCalendar._days)
ONE_MICROSECOND = timedelta(microseconds=1)
ONE_DAY, ONE_WEEK = timedelta(days=1), timedelta(weeks=1)

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """The calendar or an argument to it is unusable; the message says why."""


def _as_utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise CalendarError(f"{moment!r} is not a timezone-aware datetime.")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise CalendarError(f"{moment.isoformat()} is outside the years {MIN_YEAR}-{MAX_YEAR}.")
    return moment.astimezone(UTC)


def _check_span(span: timedelta) -> None:
    if abs(span) > MAX_SPAN:
        raise CalendarError(f"A span of {abs(span).days} days is beyond the calendar's "
                            f"{MAX_SPAN.days} days.")


def _offset_at_midnight(zone: ZoneInfo, day: date) -> timedelta:
    return datetime.combine(day, time(), tzinfo=zone).utcoffset()


@lru_cache(maxsize=4096)
def offset_change_days(zone: ZoneInfo, year: int) -> tuple[date, ...]:
    """The local dates of `year` whose UTC offset at midnight differs from the next
    midnight's (a DST change, a zone's new rules): 53 weekly samples, then the days of the
    weeks where the offset moved. No tzdata zone (checked 1970-2040) changes and changes
    back within one week. Cached per zone and year."""
    found, week, stop = [], date(year, 1, 1), date(year + 1, 1, 1)
    before = _offset_at_midnight(zone, week)
    while week < stop:
        week_end = min(week + ONE_WEEK, stop)
        after = _offset_at_midnight(zone, week_end)
        if after != before:
            days = (week + timedelta(days=n) for n in range((week_end - week).days))
            found += [d for d in days
                      if _offset_at_midnight(zone, d) != _offset_at_midnight(zone, d + ONE_DAY)]
        week, before = week_end, after
    return tuple(found)


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
        _check_span(amount)
        if not amount:
            return start
        cursor, remaining = self._skip_weeks(start, amount)
        for open_start, open_end in self._intervals(cursor):
            if open_end - open_start >= remaining:
                return open_start + remaining
            remaining -= open_end - open_start
        raise AssertionError("unreachable: unbounded intervals never run out")

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end); negative when `end` is before `start`."""
        start, end = _as_utc(start), _as_utc(end)
        if end < start:
            return -self.business_time_between(end, start)
        _check_span(end - start)
        first = start.astimezone(self.zone).date() + ONE_DAY
        weeks = (end.astimezone(self.zone).date() - first).days // 7
        if weeks < WALKED_DAYS // 7:
            return self._walked(start, end)
        middle, after = self._midnight(first), self._midnight(first + weeks * ONE_WEEK)
        return self._walked(start, middle) + self._weeks_open(first, weeks) \
            + self._walked(after, end)

    def _walked(self, start: datetime, end: datetime) -> timedelta:
        return sum((b - a for a, b in self._intervals(start, end)), timedelta(0))

    def _midnight(self, day: date) -> datetime:
        return self._day(day)[0]

    @cached_property
    def _weekly(self) -> timedelta:
        return timedelta(minutes=self.hours.minutes_per_week)

    @cached_property
    def _sorted_holidays(self) -> tuple[date, ...]:
        return tuple(sorted(self.holidays))

    def _exceptions(self, first: date, stop: date) -> set[date]:
        """Days in [first, stop) whose open time may differ from their weekday's slots."""
        holidays = self._sorted_holidays
        days = set(holidays[bisect_left(holidays, first):bisect_left(holidays, stop)])
        for year in range(first.year, stop.year + 1):
            days.update(d for d in offset_change_days(self.zone, year) if first <= d < stop)
        return days

    def _weeks_open(self, first: date, weeks: int) -> timedelta:
        """Open time of `weeks` whole local weeks from `first`'s midnight: the weekly open
        time `weeks` times, corrected by walking each day in `_exceptions`."""
        total = self._weekly * weeks
        for day in self._exceptions(first, first + weeks * ONE_WEEK):
            real = sum((b - a for a, b in self._day_intervals(day)), timedelta(0))
            total += real - timedelta(minutes=self.hours.minutes_on(day.weekday()))
        return total

    def _skip_weeks(self, start: datetime, amount: timedelta) -> tuple[datetime, timedelta]:
        """Where to start walking to add `amount` from `start`, and what is left to add:
        whole weeks are jumped while more than WALKED_DAYS days' worth of open time remain.
        A jump never overshoots (it is halved until it fits); a run of jumps without open
        time is refused like a long closed run in the walk."""
        cursor, remaining, closed = start, amount, timedelta(0)
        while remaining > self._weekly * (WALKED_DAYS // 7):
            if cursor - start > MAX_SPAN:
                raise CalendarError(f"Adding {amount} lands beyond the calendar's "
                                    f"{MAX_SPAN.days} days.")
            first = cursor.astimezone(self.zone).date() + ONE_DAY
            head = self._walked(cursor, self._midnight(first))
            weeks = min(max((remaining - head) // self._weekly - 1, 1), MAX_SPAN // ONE_WEEK)
            block = head + self._weeks_open(first, weeks)
            while block >= remaining and weeks > 1:
                weeks //= 2
                block = head + self._weeks_open(first, weeks)
            if block >= remaining:
                break
            closed = closed + weeks * ONE_WEEK if not block else timedelta(0)
            if closed.days > MAX_CLOSED_DAYS:
                raise CalendarError(f"No open time within {MAX_CLOSED_DAYS} days of {start}.")
            cursor, remaining = self._midnight(first + weeks * ONE_WEEK), remaining - block
        return cursor, remaining

    def _intervals(self, start: datetime, end: datetime | None = None) -> Iterator[Interval]:
        """Open intervals clipped to [start, end), walking local days from start's local date.

        Unbounded when `end` is None; then a run of MAX_CLOSED_DAYS days without open time
        raises CalendarError instead of looping forever.
        """
        previous_end = start
        day = start.astimezone(self.zone).date()
        closed_days = 0
        while end is None or self._day(day)[0] < end:
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

    @cached_property
    def _days(self) -> dict[date, tuple[datetime, tuple[Interval, ...]]]:
        """Each local date's midnight and slots in UTC, worked out once per calendar (the
        lists ask for the same few days for every row); emptied when it grows past
        DAYS_KEPT, so a long walk does not keep every day it passed."""
        return {}

    def _day(self, day: date) -> tuple[datetime, tuple[Interval, ...]]:
        known = self._days.get(day)
        if known is None:
            if len(self._days) >= DAYS_KEPT:
                self._days.clear()
            known = self._days[day] = (self._wall_to_utc(datetime.combine(day, time())),
                                       tuple(self._slots_in_utc(day)))
        return known

    def _day_intervals(self, day: date) -> tuple[Interval, ...]:
        """The slots of one local date as UTC intervals (empty ones skipped)."""
        return self._day(day)[1]

    def _slots_in_utc(self, day: date) -> Iterator[Interval]:
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
