"""One validation layer for raw input: text, whole numbers, dates, flags, choices, JSON. Pure.

Every boundary (forms through `tickets.cleaning`, the JSON API, query strings, path
parameters, the command line) bounds what it reads here before anything reaches a service,
the database or the calendar. Each reader returns the cleaned value or raises `InputError`
with a reason fit to show next to the field; the boundary names the field and answers its
own way (a 422 field error, a 400 or a 404, a one-line CLI error). `core.input_guard` applies
the request-wide rules (NUL bytes and broken characters anywhere, page numbers, JSON bodies)
before any view runs.

The bounds:
- text: no NUL byte, no lone surrogate (what invalid UTF-8 becomes), stripped, a length cap;
- whole numbers: ASCII digits only (`str.isdigit` also accepts "²" and "١٢"); ids, page
  numbers and versions from 1 to 2,147,483,647 (PostgreSQL's `integer`); `per_page` 1-100;
- promises to the customer and done-by times: after now, at most one year (366 days) ahead;
- prevention due dates: within five years of today, before or after;
- list date filters and report weeks: from twenty years ago to one year ahead;
- JSON bodies: at most 256 KiB, nested at most 20 levels, no NaN or Infinity.
"""

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from core.messages import define, ensure_message
from core.words import N_

INT32_MAX = 2_147_483_647
MAX_PER_PAGE = 100
MAX_DIGITS = 12
PROMISE_WINDOW = timedelta(days=366)
DAY_WINDOW_YEARS = 5
FILTER_YEARS_BACK = 20
FILTER_YEARS_AHEAD = 1
MIN_YEAR, MAX_YEAR = 1900, 2999
JSON_MAX_BYTES = 256 * 1024
JSON_MAX_DEPTH = 20

BROKEN_TEXT = define("input.broken_text",
                     N_("Remove the NUL byte or the broken character from this text."))()
OUT_OF_RANGE = define("input.date_out_of_range", N_("That date is out of range."))()
NOT_A_MOMENT = define("input.not_a_moment", N_(
    "Give a date and time with its offset, e.g. 2026-05-01T14:30:00+08:00."))()
NOT_A_DAY = define("input.not_a_day", N_("Give a date as YYYY-MM-DD."))()
NOT_TEXT = define("input.not_text", N_("Enter text."))
REQUIRED = define("input.required", N_("This field is required."))
TOO_LONG = define("input.too_long", N_("Use at most %(limit)s characters."))
NOT_A_WHOLE_NUMBER = define("input.not_a_whole_number",
                            N_("Give a whole number from %(low)s to %(high)s."))
NOT_A_CHOICE = define("input.not_a_choice", N_("Choose one of: %(options)s."))
NOT_A_FLAG = define("input.not_a_flag", N_("Answer true or false."))
NOT_IN_THE_FUTURE = define("input.not_in_the_future", N_("This must be in the future."))
TOO_FAR_AHEAD = define("input.too_far_ahead", N_("Choose a time within a year from now."))
DAY_OUT_OF_WINDOW = define("input.day_out_of_window",
                           N_("Choose a date from %(earliest)s to %(latest)s."))
JSON_TOO_LARGE = define("input.json_too_large",
                        N_("A JSON body may have at most %(count)s bytes."))
JSON_TOO_DEEP = define("input.json_too_deep", N_("JSON may nest at most %(depth)s levels deep."))
JSON_INVALID = define("input.json_invalid", N_("The body is not valid JSON."))
BROKEN_AT = define("input.broken_at",
                   N_("'%(where)s' holds a NUL byte or a broken character."))
BAD_EMAIL = define("input.bad_email", N_("Enter an e-mail address such as name@example.com."))
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_FLAG_WORDS = {"true": True, "1": True, "yes": True, "on": True,
               "false": False, "0": False, "no": False, "off": False}


class InputError(ValueError):
    """Raw input refused; `reason` says why: a declared `core.messages.Message`, shown in
    the reader's language where it is displayed (a plain string warns)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = ensure_message(reason, where="an InputError")


def email_address(text: str) -> str:
    """`text` as a normalized e-mail address (deliverability is not checked), or InputError."""
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InputError(BAD_EMAIL()) from None


class InputTooLarge(InputError):
    """A body over its size cap (answered 413)."""


# --- text --------------------------------------------------------------------------------


def is_broken(text: str) -> bool:
    """True when `text` holds a NUL byte or a lone surrogate (no database stores them)."""
    return _FORBIDDEN.search(text) is not None


def clean_text(value, *, max_length: int, required: bool = False) -> str:
    """Text as typed, stripped: a string (None counts as empty) without NUL or broken
    characters, at most `max_length` characters, not empty when `required`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(NOT_TEXT())
    if is_broken(value):
        raise InputError(BROKEN_TEXT)
    value = value.strip()
    if required and not value:
        raise InputError(REQUIRED())
    if len(value) > max_length:
        raise InputError(TOO_LONG(limit=max_length))
    return value


def is_ascii_digits(text) -> bool:
    """Only the digits 0-9 (and at least one)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


# --- whole numbers -----------------------------------------------------------------------


def parse_int(value, *, low: int = 1, high: int = INT32_MAX) -> int:
    """A whole number from `low` to `high`: an int (never a bool) or ASCII digits of at most
    MAX_DIGITS (with a leading minus when `low` is negative)."""
    message = NOT_A_WHOLE_NUMBER(low=low, high=high)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if low < 0 and text.startswith("-") else text
        if not is_ascii_digits(digits) or len(digits) > MAX_DIGITS:
            raise InputError(message)
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(message)
    return value


def optional_int(args, name: str, *, low: int = 1, high: int = INT32_MAX) -> int | None:
    """`args[name]` (a query string or form) as a whole number; None when absent or empty."""
    raw = args.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_int(raw, low=low, high=high)


def page_number(args, name: str = "page", *, high: int = INT32_MAX) -> int:
    """The 1-based page asked for in `args` (default 1)."""
    return optional_int(args, name, high=high) or 1


# --- choices and flags -------------------------------------------------------------------


def parse_choice(value, options: Iterable[str], *, required: bool = True) -> str | None:
    """One of `options` (exact, after stripping); None for an empty optional answer."""
    options = tuple(str(option) for option in options)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(NOT_A_CHOICE(options=", ".join(options)))
        return None
    if not isinstance(value, str) or value.strip() not in options:
        raise InputError(NOT_A_CHOICE(options=", ".join(options)))
    return value.strip()


def parse_flag(value) -> bool:
    """A yes/no answer: a JSON boolean, or true/false, yes/no, on/off, 1/0 as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _FLAG_WORDS:
        return _FLAG_WORDS[value.strip().lower()]
    raise InputError(NOT_A_FLAG())


# --- dates and times ---------------------------------------------------------------------


def _checked_year(moment: date) -> None:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InputError(OUT_OF_RANGE)


def parse_moment(value) -> datetime:
    """An aware datetime, or ISO 8601 text with an offset ("Z" allowed), as aware UTC."""
    if isinstance(value, str) and value.isascii() and len(value) <= 40:
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(NOT_A_MOMENT) from None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InputError(NOT_A_MOMENT)
    _checked_year(value)
    return value.astimezone(UTC)


def local_moment(naive: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A site-local wall-clock time (as typed in a form) as aware UTC; the earlier reading
    wins on a DST overlap. A year outside MIN_YEAR..MAX_YEAR (year 1, 9999) is taken as UTC
    unconverted, since converting it could overflow: `parse_moment` then refuses it as out
    of range, and the cleaner names the field."""
    if naive is None:
        return None
    if not MIN_YEAR <= naive.year <= MAX_YEAR:
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def check_promise(moment: datetime, now: datetime) -> datetime:
    """A promise or a done-by time: after `now`, at most PROMISE_WINDOW ahead."""
    if moment <= now:
        raise InputError(NOT_IN_THE_FUTURE())
    if moment > now + PROMISE_WINDOW:
        raise InputError(TOO_FAR_AHEAD())
    return moment


def years_from(day: date, years: int) -> date:
    """`day` moved by whole years (29 February becomes 28 February when needed)."""
    year = day.year + years
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def parse_day(value) -> date:
    """A date object (not a datetime) or ASCII text YYYY-MM-DD."""
    if isinstance(value, str) and value.isascii() and len(value.strip()) == 10:
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(NOT_A_DAY) from None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InputError(NOT_A_DAY)
    return value


def check_day(day: date, today: date, *, years_back: int, years_ahead: int) -> date:
    """`day` between `years_back` years before `today` and `years_ahead` years after."""
    earliest, latest = years_from(today, -years_back), years_from(today, years_ahead)
    if not earliest <= day <= latest:
        raise InputError(DAY_OUT_OF_WINDOW(earliest=earliest.isoformat(),
                                            latest=latest.isoformat()))
    return day


def filter_day(value, today: date) -> date:
    """A list filter's date: FILTER_YEARS_BACK years ago to FILTER_YEARS_AHEAD ahead."""
    return check_day(parse_day(value), today, years_back=FILTER_YEARS_BACK,
                     years_ahead=FILTER_YEARS_AHEAD)


# --- JSON --------------------------------------------------------------------------------

_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENING = frozenset(b"[{")


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` (brackets inside strings not counted),
    found without parsing, so that a 10,000-level body costs one linear scan."""
    brackets = _JSON_STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in _OPENING else -1 for b in brackets), default=0)


def _no_constants(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _children(value):
    if isinstance(value, dict):
        return value.items()
    if isinstance(value, list):
        return enumerate(value)
    return ()


def broken_path(value, path: str = "") -> str | None:
    """The dotted path of the first string (key or value) holding NUL or a broken
    character, or None. Callers bound the depth first (`json_depth`)."""
    if isinstance(value, str):
        return (path or "(body)") if is_broken(value) else None
    for key, item in _children(value):
        if isinstance(key, str) and is_broken(key):
            return path or "(body)"
        found = broken_path(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def load_json(raw: bytes, *, max_bytes: int = JSON_MAX_BYTES,
              max_depth: int = JSON_MAX_DEPTH):
    """Parse a JSON body within its bounds: fractions as Decimal (never float), no NaN or
    Infinity, every string free of NUL and broken characters."""
    if len(raw) > max_bytes:
        raise InputTooLarge(JSON_TOO_LARGE(count=max_bytes))
    if json_depth(raw) > max_depth:
        raise InputError(JSON_TOO_DEEP(depth=max_depth))
    try:
        value = json.loads(raw, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise InputError(JSON_INVALID()) from None
    where = broken_path(value)
    if where is not None:
        raise InputError(BROKEN_AT(where=where[:80]))
    return value
