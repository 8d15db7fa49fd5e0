"""Creating and editing sites. Shared by the CLI and the manager's pages."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from sqlalchemy import func, select

from core.validation import ValidationFailed
from extensions import db
from sites.models import (
    DEFAULT_FRONT_DESK_LIMIT,
    DEFAULT_SUPERVISOR_LIMIT,
    Site,
    SiteHoliday,
)
from sla.hours import HoursSpecError, format_hours_spec, parse_hours_spec

MAX_LIMIT = Decimal("1000000")


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


def parse_holidays(text: str) -> list[tuple[date, str]]:
    """One holiday per line: `YYYY-MM-DD optional name`. Raises ValueError naming the line."""
    holidays: dict[date, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        day_text, _, name = line.partition(" ")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise ValueError(
                f"line {number}: '{day_text}' is not a date (use YYYY-MM-DD)"
            ) from None
        holidays[day] = name.strip()
    return sorted(holidays.items())


def format_holidays(site: Site) -> str:
    return "\n".join(f"{h.day.isoformat()} {h.name}".strip() for h in site.holidays)


def _parse_limit(value: str | Decimal) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
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


def clean_site_input(data: SiteInput, site: Site | None = None) -> dict:
    """Check every field at once; return cleaned values or raise ValidationFailed."""
    errors: dict[str, str] = {}
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
        cleaned["hours_spec"] = format_hours_spec(parse_hours_spec(data.hours))
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


def update_site(site: Site, data: SiteInput) -> Site:
    cleaned = clean_site_input(data, site)
    _apply(site, cleaned)
    db.session.flush()
    return site


def find_site(name: str) -> Site | None:
    return db.session.scalar(select(Site).where(func.lower(Site.name) == name.strip().lower()))
