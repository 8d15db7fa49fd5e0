"""Creating and editing sites. Shared by the CLI and the manager's pages."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from sqlalchemy import func, select

from core import inputs
from core.clock import utcnow
from core.validation import ValidationFailed
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
TEXT_LIMITS = {"name": 200, "timezone": 64, "hours": 500, "currency": 8, "holidays": 20000}


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


def parse_holidays(text: str, today: date | None = None) -> list[tuple[date, str]]:
    """One holiday per line: `YYYY-MM-DD optional name` (name up to 120 characters), each
    within HOLIDAY_YEARS years of `today` (default: the clock's). Raises ValueError naming
    the line."""
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
            raise ValueError(
                f"line {number}: '{day_text[:20]}' is not a date (use YYYY-MM-DD)"
            ) from None
        try:
            inputs.check_day(day, today, years_back=HOLIDAY_YEARS, years_ahead=HOLIDAY_YEARS)
            holidays[day] = inputs.clean_text(name, max_length=120)
        except inputs.InputError as refused:
            raise ValueError(f"line {number}: {refused.reason}") from None
    return sorted(holidays.items())


def format_holidays(site: Site) -> str:
    return "\n".join(f"{h.day.isoformat()} {h.name}".strip() for h in site.holidays)


def _parse_limit(value: str | Decimal) -> Decimal:
    text = str(value).strip()
    if not text.isascii() or len(text) > 20:
        raise ValueError("must be an amount such as 200 or 200.00")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be an amount such as 200 or 200.00") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("must be zero or more")
    if amount >= MAX_LIMIT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError("must be below 1,000,000 with at most two decimals")
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


def clean_site_input(data: SiteInput, site: Site | None = None) -> dict:
    """Check every field at once (after refusing text the input layer refuses); return
    cleaned values or raise ValidationFailed."""
    errors: dict[str, str] = _broken_texts(data)
    if errors:
        raise ValidationFailed(errors)
    cleaned: dict = {"name": data.name.strip()}
    if not cleaned["name"]:
        errors["name"] = "A site needs a name."
    elif len(cleaned["name"]) > 80:
        errors["name"] = "Use at most 80 characters."
    elif _name_taken(cleaned["name"], site):
        errors["name"] = f"A site called '{cleaned['name']}' already exists."
    cleaned["timezone"] = data.timezone.strip()
    if cleaned["timezone"] not in available_timezones():
        errors["timezone"] = (
            f"'{cleaned['timezone']}' is not an IANA time zone (for example Asia/Shanghai)."
        )
    try:
        hours = parse_hours_spec(data.hours)
        if hours.minutes_per_week < MIN_OPEN_MINUTES_PER_WEEK:
            raise HoursSpecError("The site must be open at least one hour a week.")
        cleaned["hours_spec"] = format_hours_spec(hours)
    except HoursSpecError as exc:
        errors["hours"] = str(exc)
    cleaned["currency"] = data.currency.strip().upper()
    if cleaned["currency"] not in list_currencies():
        errors["currency"] = f"'{data.currency.strip()}' is not an ISO 4217 currency code."
    try:
        cleaned["holidays"] = parse_holidays(data.holidays)
    except ValueError as exc:
        errors["holidays"] = str(exc)
    for field in ("front_desk_limit", "supervisor_limit"):
        try:
            cleaned[field] = _parse_limit(getattr(data, field))
        except ValueError as exc:
            errors[field] = f"The limit {exc}."
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _apply(site: Site, cleaned: dict) -> None:
    for field in ("name", "timezone", "hours_spec", "currency"):
        setattr(site, field, cleaned[field])
    site.front_desk_limit = cleaned["front_desk_limit"]
    site.supervisor_limit = cleaned["supervisor_limit"]
    _replace_holidays(site, dict(cleaned["holidays"]))


def _replace_holidays(site: Site, wanted: dict[date, str]) -> None:
    """Keep rows for days still wanted (renamed if needed), drop the rest, add new days."""
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
