"""Creating and editing sites. Shared by the CLI and the manager's pages.

Every site has a public code, the last part of its complaint form's address
(`/complain/<code>`): lowercase ASCII letters, digits and hyphens, 3 to 40 characters, unique,
not a reserved word. A new site gets a slug of its name (`Bund Hotel` → `bund-hotel`), or a
short generated code (`site-k3x9q2`) when the name has no Latin letters or digits. A site may
also have an intake address: mail to it opens tickets at that site (unique, lower-cased).
"""

import re
import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from core import inputs
from core.clock import utcnow
from core.messages import Message, define
from core.stamped import fresh_stamp
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from sites.models import (
    DEFAULT_FRONT_DESK_LIMIT,
    DEFAULT_SUPERVISOR_LIMIT,
    Site,
    SiteHoliday,
)
from sites.signals import calendar_changed
from sla.hours import HoursSpecError, format_hours_spec, parse_hours_spec

# SLA targets are counted in opening hours: a site open only minutes a week would put a
# target of a few business days decades away.
MIN_OPEN_MINUTES_PER_WEEK = 60

MAX_LIMIT = Decimal("1000000")
HOLIDAY_YEARS = 20
TEXT_LIMITS = {"name": 200, "timezone": 64, "hours": 500, "currency": 8, "holidays": 20000,
               "public_code": 200, "intake_address": 320}

CODE_MIN, CODE_MAX = 3, 40
CODE_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
CODE_ALPHABET = string.ascii_lowercase + string.digits
GENERATED_PREFIX = "site-"
GENERATED_LENGTH = 6
# Words a public address must not be: they read as parts of the app, not as a hotel.
RESERVED_CODES = frozenset({
    "admin", "api", "app", "complain", "complaint", "complaints", "edit", "help", "login",
    "new", "poster", "public", "sign-in", "sign-out", "static", "status", "survey", "thanks",
    "www",
})
INTAKE_MAX = 254
NAME_MAX = 80

NO_SUCH_SITE = define("site.no_such_site", N_("No site called '%(name)s'."))
CODE_LENGTH = define("site.code_length", N_("Use %(low)s to %(high)s characters."))
CODE_FORM = define("site.code_form", N_(
    "Use lowercase letters, digits and hyphens only, starting and ending with a letter or "
    "digit (for example bund-hotel)."))
CODE_RESERVED = define("site.code_reserved",
                       N_("'%(code)s' is a reserved word; choose another code."))
CODE_TAKEN = define("site.code_taken", N_("The code '%(code)s' is already used by another site."))
INTAKE_NOT_AN_ADDRESS = define("site.intake_not_an_address",
                               N_("Enter an e-mail address such as complaints@example.com."))
INTAKE_TAKEN = define("site.intake_taken",
                      N_("The address %(address)s is already used by another site."))
HOLIDAY_NOT_A_DATE = define("site.holiday_not_a_date",
                            N_("Line %(line)s: '%(text)s' is not a date (use YYYY-MM-DD)."))
HOLIDAY_REFUSED = define("site.holiday_refused", N_("Line %(line)s: %(reason)s"))
LIMIT_NOT_AN_AMOUNT = define("site.limit_not_an_amount",
                             N_("Give the limit as an amount such as 200 or 200.00."))
LIMIT_NEGATIVE = define("site.limit_negative", N_("The limit must be zero or more."))
LIMIT_TOO_BIG = define("site.limit_too_big", N_(
    "The limit must be below 1,000,000, with at most two decimals."))
NAME_REQUIRED = define("site.name_required", N_("A site needs a name."))
NAME_TAKEN = define("site.name_taken", N_("A site called '%(name)s' already exists."))
NOT_A_TIMEZONE = define("site.not_a_timezone", N_(
    "'%(zone)s' is not an IANA time zone (for example Asia/Shanghai)."))
TOO_FEW_HOURS = define("site.too_few_hours",
                       N_("The site must be open at least one hour a week."))
NOT_A_CURRENCY = define("site.not_a_currency",
                        N_("'%(currency)s' is not an ISO 4217 currency code."))


@dataclass
class SiteInput:
    """What a person types for a site; strings as entered."""

    name: str
    timezone: str
    hours: str = "24/7"
    currency: str = "CNY"
    holidays: str = ""
    front_desk_limit: str | Decimal = DEFAULT_FRONT_DESK_LIMIT
    supervisor_limit: str | Decimal = DEFAULT_SUPERVISOR_LIMIT
    # None: a new site gets its default code, an edited site keeps its own; "" on an
    # edited site switches its public form off.
    public_code: str | None = None
    # None: unchanged (nothing for a new site); "": no intake address.
    intake_address: str | None = None


# --- the public code and the intake address -----------------------------------------------


def slug_of(name: str) -> str:
    """The name as a code: accents dropped, lowercase ASCII letters and digits joined by
    single hyphens, at most CODE_MAX characters ("" when nothing Latin is left)."""
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:CODE_MAX].rstrip("-")


def code_problem(code: str) -> Message | None:
    """Why `code` cannot be a public code (its form alone, not whether it is taken), or None."""
    if not CODE_MIN <= len(code) <= CODE_MAX:
        return CODE_LENGTH(low=CODE_MIN, high=CODE_MAX)
    if not CODE_PATTERN.fullmatch(code):
        return CODE_FORM()
    if code in RESERVED_CODES:
        return CODE_RESERVED(code=code)
    return None


def _code_taken(code: str, site: Site | None) -> bool:
    stmt = select(Site.id).where(Site.public_code == code)
    if site is not None and site.id is not None:
        stmt = stmt.where(Site.id != site.id)
    return db.session.scalar(stmt) is not None


def _generated_code(site: Site | None) -> str:
    while True:
        tail = "".join(secrets.choice(CODE_ALPHABET) for _ in range(GENERATED_LENGTH))
        code = GENERATED_PREFIX + tail
        if not _code_taken(code, site):
            return code


def default_code(name: str, site: Site | None = None) -> str:
    """A free code for a site called `name`: its slug, else the slug with -2, -3 … appended,
    else (no usable slug) a short generated one such as `site-k3x9q2`."""
    slug = slug_of(name)
    if len(slug) >= CODE_MIN:
        for number in range(1, 100):
            suffix = "" if number == 1 else f"-{number}"
            code = slug[:CODE_MAX - len(suffix)].rstrip("-") + suffix
            if code_problem(code) is None and not _code_taken(code, site):
                return code
    return _generated_code(site)


def clean_public_code(value: str, site: Site | None = None) -> str:
    """A code a manager typed, stripped and lower-cased; ValueError (its argument a
    declared message) says why it is refused.
    A site's own code is kept as it is (a code given before these rules stays valid)."""
    code = value.strip().lower()
    if site is not None and code == site.public_code:
        return code
    problem = code_problem(code)
    if problem is None and _code_taken(code, site):
        problem = CODE_TAKEN(code=code)
    if problem is not None:
        raise ValueError(problem)
    return code


def clean_intake_address(value: str, site: Site | None = None) -> str | None:
    """A valid e-mail address, lower-cased, used by no other site (None when empty);
    ValueError (its argument a declared message) says why it is refused."""
    text = value.strip()
    if not text:
        return None
    if len(text) > INTAKE_MAX:
        raise ValueError(inputs.TOO_LONG(limit=INTAKE_MAX))
    try:
        address = validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError(INTAKE_NOT_AN_ADDRESS()) from None
    stmt = select(Site.id).where(func.lower(Site.intake_address) == address)
    if site is not None and site.id is not None:
        stmt = stmt.where(Site.id != site.id)
    if db.session.scalar(stmt) is not None:
        raise ValueError(INTAKE_TAKEN(address=address))
    return address


def _clean_code_fields(data: SiteInput, site: Site | None, cleaned: dict, errors: dict) -> None:
    """`public_code` and `intake_address` into `cleaned` (absent when unchanged)."""
    if data.public_code is not None and data.public_code.strip():
        try:
            cleaned["public_code"] = clean_public_code(data.public_code, site)
        except ValueError as exc:
            errors["public_code"] = exc.args[0]
    elif site is None:
        cleaned["public_code"] = default_code(cleaned["name"]) if "name" not in errors else None
    elif data.public_code is not None:
        cleaned["public_code"] = None
    if data.intake_address is not None:
        try:
            cleaned["intake_address"] = clean_intake_address(data.intake_address, site)
        except ValueError as exc:
            errors["intake_address"] = exc.args[0]


def parse_holidays(text: str, today: date | None = None) -> list[tuple[date, str]]:
    """One holiday per line: `YYYY-MM-DD optional name` (name up to 120 characters), each
    within HOLIDAY_YEARS years of `today` (default: the clock's). Raises ValueError naming
    the line (its argument a declared message)."""
    today = today or utcnow().date()
    holidays: dict[date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        day_text, _, name = line.partition(" ")
        try:
            day = inputs.parse_day(day_text)
        except inputs.InputError:
            raise ValueError(HOLIDAY_NOT_A_DATE(line=number, text=day_text[:20])) from None
        try:
            inputs.check_day(day, today, years_back=HOLIDAY_YEARS, years_ahead=HOLIDAY_YEARS)
            holidays[day] = inputs.clean_text(name, max_length=120)
        except inputs.InputError as refused:
            raise ValueError(HOLIDAY_REFUSED(line=number, reason=refused.reason)) from None
    return sorted(holidays.items())


def format_holidays(site: Site) -> str:
    return "\n".join(f"{h.day.isoformat()} {h.name}".strip() for h in site.holidays)


def _parse_limit(value: str | Decimal) -> Decimal:
    """A compensation limit; ValueError (its argument a declared message) otherwise."""
    text = str(value).strip()
    if not text.isascii() or len(text) > 20:
        raise ValueError(LIMIT_NOT_AN_AMOUNT())
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(LIMIT_NOT_AN_AMOUNT()) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(LIMIT_NEGATIVE())
    if amount >= MAX_LIMIT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(LIMIT_TOO_BIG())
    return amount.quantize(Decimal("0.01"))


def _name_taken(name: str, site: Site | None) -> bool:
    stmt = select(Site.id).where(func.lower(Site.name) == name.lower())
    if site is not None:
        stmt = stmt.where(Site.id != site.id)
    return db.session.scalar(stmt) is not None


def _broken_texts(data: SiteInput) -> dict[str, str]:
    """Fields that are not text, hold NUL or broken characters, or are far too long (the
    input layer's rules): refused first, before any other check (or query) reads them."""
    errors = {}
    for name, limit in TEXT_LIMITS.items():
        try:
            inputs.clean_text(getattr(data, name), max_length=limit)
        except inputs.InputError as refused:
            errors[name] = refused.reason
    return errors


@cache
def known_timezones() -> frozenset[str]:
    """The IANA zones this machine knows: read from disk once per process (a directory
    walk of the zone database, some fifteen milliseconds each time)."""
    return frozenset(available_timezones())


def clean_site_input(data: SiteInput, site: Site | None = None) -> dict:
    """Check every field at once (after refusing text the input layer refuses); return
    cleaned values or raise ValidationFailed."""
    errors: dict[str, str] = _broken_texts(data)
    if errors:
        raise ValidationFailed(errors)
    cleaned: dict = {"name": data.name.strip()}
    if not cleaned["name"]:
        errors["name"] = NAME_REQUIRED()
    elif len(cleaned["name"]) > NAME_MAX:
        errors["name"] = inputs.TOO_LONG(limit=NAME_MAX)
    elif _name_taken(cleaned["name"], site):
        errors["name"] = NAME_TAKEN(name=cleaned["name"])
    cleaned["timezone"] = data.timezone.strip()
    if cleaned["timezone"] not in known_timezones():
        errors["timezone"] = NOT_A_TIMEZONE(zone=cleaned["timezone"])
    try:
        hours = parse_hours_spec(data.hours)
        if hours.minutes_per_week < MIN_OPEN_MINUTES_PER_WEEK:
            raise HoursSpecError(TOO_FEW_HOURS())
        cleaned["hours_spec"] = format_hours_spec(hours)
    except HoursSpecError as exc:
        errors["hours"] = exc.reason
    cleaned["currency"] = data.currency.strip().upper()
    if cleaned["currency"] not in list_currencies():
        errors["currency"] = NOT_A_CURRENCY(currency=data.currency.strip())
    try:
        cleaned["holidays"] = parse_holidays(data.holidays)
    except ValueError as exc:
        errors["holidays"] = exc.args[0]
    for field in ("front_desk_limit", "supervisor_limit"):
        try:
            cleaned[field] = _parse_limit(getattr(data, field))
        except ValueError as exc:
            errors[field] = exc.args[0]
    _clean_code_fields(data, site, cleaned, errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _apply(site: Site, cleaned: dict) -> None:
    for field in ("name", "timezone", "hours_spec", "currency"):
        setattr(site, field, cleaned[field])
    site.front_desk_limit = cleaned["front_desk_limit"]
    site.supervisor_limit = cleaned["supervisor_limit"]
    for field in ("public_code", "intake_address"):
        if field in cleaned:
            setattr(site, field, cleaned[field])
    _replace_holidays(site, dict(cleaned["holidays"]))


def _replace_holidays(site: Site, wanted: dict[date, str]) -> None:
    """Keep rows for days still wanted (renamed if needed), drop the rest, add new days;
    a new settings stamp when the days change (what each process keeps of them)."""
    if set(site.holiday_dates) != set(wanted):
        site.settings_stamp = fresh_stamp()
    for holiday in list(site.holidays):
        if holiday.day in wanted:
            holiday.name = wanted.pop(holiday.day)
        else:
            site.holidays.remove(holiday)
    for day, name in wanted.items():
        site.holidays.append(SiteHoliday(day=day, name=name))


def create_site(data: SiteInput) -> Site:
    """Validate and add a site (flushed; the transaction boundary commits)."""
    cleaned = clean_site_input(data)
    site = Site()
    _apply(site, cleaned)
    db.session.add(site)
    db.session.flush()
    return site


def _calendar_of(site: Site) -> tuple:
    return site.timezone, site.hours_spec, tuple(sorted(site.holiday_dates))


def update_site(site: Site, data: SiteInput, *, actor=None, now: datetime | None = None) -> Site:
    """Save the site; a new zone, hours or holidays is announced (`calendar_changed`) so
    the open tickets' due times are recomputed in the same transaction."""
    cleaned = clean_site_input(data, site)
    before = _calendar_of(site)
    _apply(site, cleaned)
    db.session.flush()
    if _calendar_of(site) != before:
        calendar_changed.send(site, actor=actor, now=now or utcnow())
    return site


def find_site(name: str) -> Site | None:
    return db.session.scalar(select(Site).where(func.lower(Site.name) == name.strip().lower()))


def site_for_code(code: str) -> Site | None:
    """The site whose public form is at `/complain/<code>` (None when no site has that code;
    a site whose form is off has none)."""
    if not isinstance(code, str) or not 0 < len(code) <= CODE_MAX:
        return None
    return db.session.scalar(select(Site).where(Site.public_code == code))
