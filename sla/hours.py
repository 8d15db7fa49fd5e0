"""Weekly business hours: parsing, validating and formatting the site's opening slots.

A spec is either ``24/7`` or ``;``-separated groups of ``days slots``, where days are
``mon``..``sun`` or ranges such as ``mon-fri`` (comma-separated lists allowed) and slots are
``HH:MM-HH:MM`` joined by commas, e.g. ``mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00``.
A slot may end at ``24:00``. Days without a group are closed.
"""

from dataclasses import dataclass
from datetime import time

from core.messages import define
from core.words import N_

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN_SPEC = "24/7"
MINUTES_PER_DAY = 24 * 60

BAD_RANGE = define("hours.bad_range", N_("'%(slot)s' is not a valid time range."))
BAD_TIME_FORMAT = define("hours.bad_time_format",
                         N_("'%(token)s': times are written HH:MM, e.g. 09:00-18:00."))
NOT_A_TIME = define("hours.not_a_time", N_("'%(token)s': %(time)s is not a time of day."))
NOT_A_SLOT = define("hours.not_a_slot",
                    N_("'%(token)s': a slot is written as start-end, e.g. 09:00-18:00."))
SLOT_BACKWARDS = define("hours.slot_backwards",
                        N_("'%(token)s': the slot must end after it starts."))
UNKNOWN_DAY = define("hours.unknown_day", N_(
    "'%(token)s': days are mon, tue, wed, thu, fri, sat, sun (or a range like mon-fri)."))
DAYS_BACKWARDS = define("hours.days_backwards",
                        N_("'%(token)s': write day ranges from Monday towards Sunday."))
SLOTS_OVERLAP = define("hours.slots_overlap",
                       N_("%(day)s: slots %(earlier)s and %(later)s overlap."))
HOURS_REQUIRED = define("hours.required", N_("Enter the business hours, or 24/7."))
DAYS_THEN_HOURS = define("hours.days_then_hours", N_(
    "'%(group)s': give the days, then the hours, e.g. mon-fri 09:00-18:00."))
DAY_TWICE = define("hours.day_twice", N_("'%(group)s': %(day)s is listed twice."))
NEVER_OPEN = define("hours.never_open", N_("The site must be open at some time in the week."))


class HoursSpecError(ValueError):
    """The spec is malformed; `reason` (a declared Message, also the error's text) names
    the offending part."""

    def __init__(self, reason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Slot:
    """An opening slot within one day, in minutes after local midnight [start, end)."""

    start: int
    end: int

    def __post_init__(self):
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise HoursSpecError(BAD_RANGE(slot=str(self)))

    def __str__(self) -> str:
        return f"{_format_minute(self.start)}-{_format_minute(self.end)}"

    @property
    def start_time(self) -> time:
        return time(self.start // 60, self.start % 60)


@dataclass(frozen=True)
class WeeklyHours:
    """Opening slots per weekday (Monday = 0), sorted and non-overlapping."""

    days: tuple[tuple[Slot, ...], ...]

    @property
    def always_open(self) -> bool:
        full = (Slot(0, MINUTES_PER_DAY),)
        return all(slots == full for slots in self.days)

    @property
    def minutes_per_week(self) -> int:
        return sum(slot.end - slot.start for slots in self.days for slot in slots)

    def slots_on(self, weekday: int) -> tuple[Slot, ...]:
        return self.days[weekday]

    def minutes_on(self, weekday: int) -> int:
        """Open minutes of an ordinary `weekday` (no holiday, no change of UTC offset)."""
        return sum(slot.end - slot.start for slot in self.days[weekday])


ALWAYS_OPEN = WeeklyHours(days=tuple((Slot(0, MINUTES_PER_DAY),) for _ in DAY_NAMES))


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _two_digits(text: str) -> bool:
    """One or two ASCII digits ("²" and "١٢" pass `str.isdigit` but are not hours)."""
    return 1 <= len(text) <= 2 and text.isascii() and text.isdigit()


def _parse_minute(text: str, token: str) -> int:
    hours, sep, minutes = text.partition(":")
    if not (sep and _two_digits(hours) and _two_digits(minutes) and len(minutes) == 2):
        raise HoursSpecError(BAD_TIME_FORMAT(token=token))
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise HoursSpecError(NOT_A_TIME(token=token, time=text))
    return value


def _parse_slot(token: str) -> Slot:
    start, sep, end = token.partition("-")
    if not sep:
        raise HoursSpecError(NOT_A_SLOT(token=token))
    first, last = _parse_minute(start.strip(), token), _parse_minute(end.strip(), token)
    if first >= last:
        raise HoursSpecError(SLOT_BACKWARDS(token=token))
    return Slot(first, last)


def _day_index(name: str, token: str) -> int:
    try:
        return DAY_NAMES.index(name.strip().lower()[:3])
    except ValueError:
        raise HoursSpecError(UNKNOWN_DAY(token=token)) from None


def _parse_days(token: str) -> list[int]:
    days: list[int] = []
    for part in token.split(","):
        first, sep, last = part.partition("-")
        start = _day_index(first, token)
        end = _day_index(last, token) if sep else start
        if end < start:
            raise HoursSpecError(DAYS_BACKWARDS(token=part))
        days.extend(range(start, end + 1))
    return days


def _merge(slots: list[Slot], day: str) -> tuple[Slot, ...]:
    ordered = sorted(slots, key=lambda slot: slot.start)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.start < earlier.end:
            raise HoursSpecError(SLOTS_OVERLAP(day=day, earlier=str(earlier), later=str(later)))
    return tuple(ordered)


def parse_hours_spec(spec: str) -> WeeklyHours:
    """Parse a spec into WeeklyHours, or raise HoursSpecError naming the bad token."""
    text = (spec or "").strip()
    if not text:
        raise HoursSpecError(HOURS_REQUIRED())
    if text.lower() in (ALWAYS_OPEN_SPEC, "24x7", "always"):
        return ALWAYS_OPEN
    per_day: list[list[Slot]] = [[] for _ in DAY_NAMES]
    seen: set[int] = set()
    for group in filter(None, (part.strip() for part in text.split(";"))):
        days_token, _, slots_token = group.partition(" ")
        if not slots_token.strip():
            raise HoursSpecError(DAYS_THEN_HOURS(group=group))
        days = _parse_days(days_token)
        repeated = seen.intersection(days)
        if repeated:
            raise HoursSpecError(DAY_TWICE(group=group, day=DAY_NAMES[min(repeated)]))
        seen.update(days)
        slots = [_parse_slot(token.strip()) for token in slots_token.split(",") if token.strip()]
        for day in days:
            per_day[day].extend(slots)
    hours = WeeklyHours(days=tuple(_merge(slots, DAY_NAMES[i]) for i, slots in enumerate(per_day)))
    if hours.minutes_per_week == 0:
        raise HoursSpecError(NEVER_OPEN())
    return hours


def format_hours_spec(hours: WeeklyHours) -> str:
    """The canonical spec: consecutive days with the same slots are grouped as a range."""
    if hours.always_open:
        return ALWAYS_OPEN_SPEC
    groups: list[tuple[int, int, tuple[Slot, ...]]] = []
    for index, slots in enumerate(hours.days):
        if not slots:
            continue
        if groups and groups[-1][2] == slots and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, slots)
        else:
            groups.append((index, index, slots))
    parts = []
    for first, last, slots in groups:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
        parts.append(f"{days} {','.join(str(slot) for slot in slots)}")
    return "; ".join(parts)
