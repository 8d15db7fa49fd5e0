"""How messages to a customer put things: times a guest reads easily, the short text.

`guest_time` speaks the current locale (the caller wraps it in `force_locale` with the
customer's language). `short_text` builds the plain form of every message, at most
SHORT_TEXT_LIMIT characters with the status link always whole, for staff to copy into an
SMS or a chat by hand.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask_babel import get_locale

SHORT_TEXT_LIMIT = 300
ELLIPSIS = "…"


def guest_time(moment: datetime | None, site) -> str:
    """`moment` in the site's zone, in full words of the current language, e.g.
    "Monday, November 23, 2026 2:05 PM (CST)" or "2026年11月23日星期一 14:05 (CST)"."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(site.timezone))
    locale = str(get_locale() or "en")
    day = format_date(local, "full", locale=locale)
    hour = format_time(local, "short", locale=locale)
    words = f"{day} {hour} ({local.tzname()})"
    return words.replace("\u202f", " ").replace("\u00a0", " ")  # plain spaces for SMS


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
