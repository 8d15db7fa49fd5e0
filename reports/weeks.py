"""ISO weeks in a site's time zone: parsing, formatting and their UTC windows.

Pure functions (no Flask, no database). A week such as ``2026-W47`` runs from Monday 00:00
to the next Monday 00:00 *local time*; its window is that span converted to UTC, so a week
that crosses a daylight-saving change lasts 167 or 169 hours. Every datetime given must be
timezone-aware; every datetime returned is aware UTC.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.inputs import FILTER_YEARS_AHEAD, FILTER_YEARS_BACK, InputError, years_from
from core.messages import define
from core.words import N_

NOT_A_WEEK = define("week.malformed", N_(
    "'%(text)s' is not an ISO week: use YYYY-Www, for example 2026-W47."))
YEAR_OUT_OF_RANGE = define("week.year_out_of_range", N_(
    "'%(text)s': the year must be between %(low)s and %(high)s."))
NO_SUCH_WEEK = define("week.no_such_week",
                      N_("'%(text)s': %(year)s has weeks 1 to %(last)s only."))
OUT_OF_REACH = define("week.out_of_reach", N_("Choose a week from %(earliest)s to %(latest)s."))
_WEEK_PATTERN = re.compile(r"([0-9]{4})-[Ww]([0-9]{2})")
_MIN_YEAR, _MAX_YEAR = 1900, 9998

Zone = ZoneInfo | str
Window = tuple[datetime, datetime]


class WeekError(InputError):
    """A week refused; `reason` (a declared message, also the error's text) says why."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    """One ISO 8601 week: ``year`` is the ISO year (which may differ from the calendar's)."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week number of 28 December is the year's last week."""
    return date(year, 12, 28).isocalendar().week


def parse_week(text: str) -> IsoWeek:
    """``YYYY-Www`` (``w`` accepted) → IsoWeek; WeekError naming the problem otherwise."""
    found = _WEEK_PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        shown = text[:20] if isinstance(text, str) else str(text)[:20]
        raise WeekError(NOT_A_WEEK(text=shown))
    year, number = int(found.group(1)), int(found.group(2))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise WeekError(YEAR_OUT_OF_RANGE(text=text, low=_MIN_YEAR, high=_MAX_YEAR))
    last = weeks_in_year(year)
    if not 1 <= number <= last:
        raise WeekError(NO_SUCH_WEEK(text=text, year=year, last=last))
    return IsoWeek(year, number)


def parse_week_near(text: str, today: date) -> IsoWeek:
    """`parse_week`, and within reach of `today`: from FILTER_YEARS_BACK (20) years before
    to FILTER_YEARS_AHEAD (1) year after (`core.inputs`); WeekError naming the range."""
    week = parse_week(text)
    earliest = week_of_date(years_from(today, -FILTER_YEARS_BACK))
    latest = week_of_date(years_from(today, FILTER_YEARS_AHEAD))
    if not earliest <= week <= latest:
        raise WeekError(OUT_OF_REACH(earliest=str(earliest), latest=str(latest)))
    return week


def as_week(week: IsoWeek | str) -> IsoWeek:
    """Accept an IsoWeek or its text form."""
    return week if isinstance(week, IsoWeek) else parse_week(week)


def format_week(week: IsoWeek | str) -> str:
    """The canonical text form, ``2026-W47``."""
    return str(as_week(week))


def _zone(zone: Zone) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is needed")
    return moment


def week_of_date(day: date) -> IsoWeek:
    iso = day.isocalendar()
    return IsoWeek(iso.year, iso.week)


def week_of(moment: datetime, zone: Zone) -> IsoWeek:
    """The ISO week that contains `moment` on the wall clock of `zone`."""
    return week_of_date(_aware(moment).astimezone(_zone(zone)).date())


def shift_week(week: IsoWeek | str, weeks: int) -> IsoWeek:
    """The week `weeks` weeks later (earlier when negative)."""
    return week_of_date(as_week(week).monday + timedelta(weeks=weeks))


def previous_week(week: IsoWeek | str) -> IsoWeek:
    return shift_week(week, -1)


def last_weeks(week: IsoWeek | str, count: int) -> list[IsoWeek]:
    """The `count` weeks ending with `week`, oldest first."""
    if count < 0:
        raise ValueError("count must be zero or more")
    return [shift_week(week, offset) for offset in range(1 - count, 1)]


def local_midnight(day: date, zone: Zone) -> datetime:
    """00:00 of `day` in `zone`, in UTC (a midnight skipped by DST maps to the change)."""
    return datetime.combine(day, time(0), tzinfo=_zone(zone)).astimezone(UTC)


def window(week: IsoWeek | str, zone: Zone) -> Window:
    """[Monday 00:00 local, next Monday 00:00 local) of `week`, as UTC datetimes."""
    monday = as_week(week).monday
    return local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone)


def day_windows(week: IsoWeek | str, zone: Zone) -> list[Window]:
    """The seven local days of `week`, Monday first, each [00:00, next 00:00) in UTC."""
    monday = as_week(week).monday
    bounds = [local_midnight(monday + timedelta(days=n), zone) for n in range(8)]
    return list(zip(bounds[:-1], bounds[1:], strict=True))


def last_trigger(
    now: datetime, zone: Zone, weekday: int = 0, hour: int = 8
) -> tuple[datetime, IsoWeek]:
    """The latest `weekday` (0 = Monday) at `hour`:00 local that is ≤ `now`, in UTC, and
    the ISO week it reports: the week before the trigger's own local week."""
    tz = _zone(zone)
    local = _aware(now).astimezone(tz)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    trigger = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    if trigger > now:
        day -= timedelta(days=7)
        trigger = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    return trigger, previous_week(week_of_date(day))
