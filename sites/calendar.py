"""A site's business calendar, built from its zone, hours and holidays."""

from sites.models import Site
from sla.calendar import BusinessCalendar


def calendar_for(site: Site) -> BusinessCalendar:
    """The site's calendar (hours and holidays as stored now)."""
    return BusinessCalendar.from_spec(site.timezone, site.hours_spec, site.holiday_dates)
