"""A site's business calendar, built from its zone, hours and holidays."""

from datetime import date
from functools import lru_cache

from core.stamped import StampedCache
from sites.models import Site
from sla.calendar import BusinessCalendar

_holidays = StampedCache()


def calendar_for(site: Site) -> BusinessCalendar:
    """The site's calendar (hours and holidays as stored now). Built once per distinct
    zone, hours and holidays, and shared: a list of fifty tickets reads one calendar."""
    return _calendar(site.timezone, site.hours_spec, holidays_of(site))


def holidays_of(site: Site) -> tuple[date, ...]:
    """The site's holiday dates, sorted; read from the database once per process and
    settings stamp (`core.stamped`), not once per request."""
    return _holidays.get(site.id, site.settings_stamp, lambda: tuple(sorted(site.holiday_dates)))


@lru_cache(maxsize=512)
def _calendar(zone: str, hours_spec: str, holidays: tuple[date, ...]) -> BusinessCalendar:
    return BusinessCalendar.from_spec(zone, hours_spec, holidays)
