"""Times told to a guest, in words: "Wednesday 2 December, 14:30 (Shanghai time)".

Always in the site's zone (the guest is there, or booked there), named by its city in the
page's language, without seconds, offsets or zone abbreviations.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _

from sites.models import Site


def zone_city(site: Site) -> str:
    """The city that names the site's zone in the page's language ("Shanghai", "上海")."""
    return get_timezone_location(ZoneInfo(site.timezone), locale=get_locale(), return_city=True)


def moment_in_words(moment: datetime, site: Site) -> str:
    """`moment` (aware) in the site's zone: weekday, day, month and time."""
    # Translators: a Babel date pattern; EEEE weekday, d day, MMMM month, HH:mm the time.
    pattern = _("EEEE d MMMM, HH:mm")
    return format_datetime(moment, pattern, tzinfo=ZoneInfo(site.timezone), locale=get_locale())


def contact_promise(moment: datetime | None, site: Site) -> str:
    """When we will contact the guest: "We will contact you by … (Shanghai time)."."""
    if moment is None:
        return _("We will contact you as soon as we can.")
    return _("We will contact you by %(when)s (%(city)s time).",
             when=moment_in_words(moment, site), city=zone_city(site))
