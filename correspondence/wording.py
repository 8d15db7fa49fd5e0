"""How messages and pages put things to a customer: times a guest reads easily, the short text.

Every time told to a guest is worded here, always in the site's zone (the guest is there,
or booked there):

- `guest_time`: a message's full date and time with the zone's abbreviation, in the
  current locale (the caller wraps it in `force_locale` with the customer's language);
- `moment_in_words` / `contact_promise`: the complaint form's thanks page, "Wednesday
  2 December, 14:30 (Shanghai time)", the zone named by its city in the page's language;
- `when_words`: the status page and the slip, "today at 15:30", "tomorrow at 09:00", else
  "on Friday 15 May at 10:00", in an explicit locale (lazy: no request needed).

`short_text` builds the plain form of every message, at most SHORT_TEXT_LIMIT characters
with the status link always whole, for staff to copy into an SMS or a chat by hand.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.formatting import site_zone, zone_label

SHORT_TEXT_LIMIT = 300
ELLIPSIS = "…"
DAY_PATTERNS = {"en": "EEEE d MMMM", "zh": "M月d日EEEE"}


def guest_time(moment: datetime | None, site) -> str:
    """`moment` in the site's zone, in full words of the current language, e.g.
    "Monday, November 23, 2026 2:05 PM (UTC+8)" or "2026年11月23日星期一 14:05 (北京时间)"."""
    if moment is None:
        return ""
    local = moment.astimezone(site_zone(site))
    locale = str(get_locale() or "en")
    day = format_date(local, "full", locale=locale)
    hour = format_time(local, "short", locale=locale)
    words = f"{day} {hour} ({zone_label(local, site_zone(site), locale)})"
    return words.replace("\u202f", " ").replace("\u00a0", " ")  # plain spaces for SMS


def zone_city(site) -> str:
    """The city that names the site's zone in the page's language ("Shanghai", "上海")."""
    return get_timezone_location(site_zone(site), locale=get_locale(), return_city=True)


def moment_in_words(moment: datetime, site) -> str:
    """`moment` (aware) in the site's zone: weekday, day, month and time."""
    # Translators: a Babel date pattern; EEEE weekday, d day, MMMM month, HH:mm the time.
    pattern = _("EEEE d MMMM, HH:mm")
    return format_datetime(moment, pattern, tzinfo=site_zone(site), locale=get_locale())


def contact_promise(moment: datetime | None, site) -> str:
    """When we will contact the guest: "We will contact you by … (Shanghai time)."."""
    if moment is None:
        return _("We will contact you as soon as we can.")
    return _("We will contact you by %(when)s (%(city)s time).",
             when=moment_in_words(moment, site), city=zone_city(site))


def when_words(moment: datetime, zone: ZoneInfo, now: datetime, locale: str):
    """A moment as a guest says it, in the site's zone: "today at 15:30", "tomorrow at
    09:00", else "on Friday 15 May at 10:00" (5月15日星期五 in Chinese)."""
    local = moment.astimezone(zone)
    today: date = now.astimezone(zone).date()
    time = format_time(local, "HH:mm", locale=locale)
    if local.date() == today:
        return _l("today at %(time)s", time=time)
    if local.date() == today + timedelta(days=1):
        return _l("tomorrow at %(time)s", time=time)
    pattern = DAY_PATTERNS.get(locale.split("_")[0], DAY_PATTERNS["en"])
    day = format_date(local.date(), pattern, locale=locale)
    return _l("on %(day)s at %(time)s", day=day, time=time)


def clip(text: str, width: int) -> str:
    """`text` on one line (runs of white space made one space), cut to at most `width`
    characters with an ellipsis; cut at a space when one is near (Chinese has none)."""
    line = " ".join((text or "").split())
    if len(line) <= width:
        return line
    if width <= len(ELLIPSIS):
        return ELLIPSIS[:max(width, 0)]
    cut = line[: width - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= len(cut) - 20 and space > 0:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def short_text(lead: str, detail: str, link: str, limit: int = SHORT_TEXT_LIMIT) -> str:
    """"`lead` `detail` `link`" in at most `limit` characters: the detail is clipped
    first, then the lead; the link is never cut (unless it alone is too long)."""
    link = link.strip()
    room = limit - len(link) - 1
    if room <= 0:
        return link[:limit]
    lead = clip(lead, room)
    detail_room = room - len(lead) - 1
    parts = [lead]
    if detail.strip() and detail_room > len(ELLIPSIS):
        parts.append(clip(detail, detail_room))
    return " ".join(part for part in parts if part) + " " + link
