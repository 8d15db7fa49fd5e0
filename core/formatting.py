"""How the app writes dates, times, numbers and money: through Babel, in the reader's locale.

- `local_time` / `local_date`: a moment in the site's zone, e.g. "Dec 3, 2026 16:05 UTC+8"
  in English and "2026年12月3日 16:05 北京时间" in Chinese. The zone is named so nobody can
  misread it: "北京时间" for China's zone in Chinese, else the offset from UTC ("UTC+8",
  "UTC+5:30", "UTC"), never an abbreviation such as "CST" (China, or the US Central zone?).
- `money`: the one money format of the app — "CN¥80.00" in English, "¥80.00" in Chinese
  (Babel's symbol for the currency in the locale). Every page, e-mail, notification and
  timeline entry that shows an amount to a person goes through it.
- `number`: counts and decimals with the locale's grouping.

Everything works outside a request too (the CLI, jobs): the locale is then the one forced
with `flask_babel.force_locale`, else English.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, g, has_app_context, has_request_context
from flask_babel import get_locale
from flask_login import current_user

# China's zones (one offset, UTC+8, all year): "北京时间" is what a Chinese reader calls them.
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking",
                           "Asia/Harbin", "PRC"})
BEIJING_TIME = "北京时间"


def current_locale() -> str:
    """The locale being rendered ("en", "zh_Hans"): the request's, else the one forced with
    `force_locale`, else English.

    Outside a request it only reads what flask_babel holds for the app context: asking
    `get_locale()` there would store English for the whole context, and a request served
    inside that same context (the test client's) would then render in English too.
    """
    if not has_app_context():
        return "en"
    if not has_request_context():
        held = getattr(g.get("_flask_babel"), "babel_locale", None)
        return str(held) if held else "en"
    locale = get_locale()
    return str(locale) if locale else "en"


def _locale(locale: str | None) -> str:
    return str(locale) if locale else current_locale()


def is_chinese(locale: str | None) -> bool:
    return _locale(locale).startswith("zh")


def site_zone(site=None) -> ZoneInfo:
    """The zone to show times in: the given site's, else the viewer's site's, else UTC."""
    if site is None and getattr(current_user, "is_authenticated", False):
        site = current_user.site
    return ZoneInfo(site.timezone) if site is not None else ZoneInfo("UTC")


def utc_offset(moment: datetime) -> str:
    """The offset of an aware moment from UTC: "UTC", "UTC+8", "UTC-5", "UTC+5:30"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(moment: datetime, zone: ZoneInfo, locale: str | None = None) -> str:
    """How a time in `zone` names its zone, unambiguously (see the module docstring)."""
    if is_chinese(locale) and zone.key in BEIJING_ZONES:
        return BEIJING_TIME
    return utc_offset(moment.astimezone(zone))


def local_time(moment: datetime | None, site=None, fmt: str | None = None,
               locale: str | None = None) -> str:
    """An aware moment in the site's zone, date and 24-hour time in the locale's words, with
    the zone's label. `fmt`, a Babel date pattern, asks for a fixed shape instead (e.g.
    "yyyy-MM-dd": a date only, without the zone)."""
    if moment is None:
        return "—"
    locale = _locale(locale)
    zone = site_zone(site)
    local = moment.astimezone(zone)
    if fmt is not None:
        if _date_only(fmt):
            return format_date(local.date(), fmt, locale=locale)
        shown = format_datetime(local, fmt, tzinfo=zone, locale=locale)
        return f"{shown} {zone_label(local, zone, locale)}"
    day = format_skeleton("yMMMd", local, locale=locale)
    hour = format_time(local, "HH:mm", tzinfo=zone, locale=locale)
    return f"{day} {hour} {zone_label(local, zone, locale)}"


def _date_only(pattern: str) -> bool:
    return not any(letter in pattern for letter in "HhKkmsa")


def local_date(value: date | datetime | None, site=None, locale: str | None = None) -> str:
    """A day in the locale's words ("Dec 3, 2026", "2026年12月3日"); a moment counts in the
    site's zone."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(site_zone(site)).date()
    return format_skeleton("yMMMd", value, locale=_locale(locale))


def today(site=None) -> date:
    """Today's date in the site's zone (else the viewer's, else UTC)."""
    from core.clock import utcnow

    return utcnow().astimezone(site_zone(site)).date()


def money(amount: Decimal | int | str | None, currency: str | None,
          locale: str | None = None) -> str:
    """An amount with its currency in the locale's style; "—" when there is none. Without a
    currency (a total over sites of several currencies) the number alone, two decimals."""
    if amount is None or amount == "":
        return "—"
    value = Decimal(str(amount))
    if not currency:
        return format_decimal(value, format="#,##0.00", locale=_locale(locale))
    return format_currency(value, currency, locale=_locale(locale))


def site_zone_label(site=None, locale: str | None = None) -> str:
    """The label of the site's zone as it reads now ("北京时间", "UTC+8", "UTC-5")."""
    from core.clock import utcnow

    zone = site_zone(site)
    return zone_label(utcnow().astimezone(zone), zone, _locale(locale))


def percent(value, locale: str | None = None) -> str:
    """A percentage (50 means 50 %) with one decimal, in the locale's style ("50.0%")."""
    if value is None:
        return "—"
    return format_percent(Decimal(str(value)) / 100, "#,##0.0%", locale=_locale(locale))


def language_name(code: str | None, locale: str | None = None) -> str:
    """A language as a sentence in the reader's language names it ("英语", "Chinese"), from
    Babel's locale data; an unknown code as given. (Menus name each language in its own.)"""
    try:
        return BabelLocale.parse(code).get_language_name(_locale(locale))
    except (ValueError, TypeError, UnknownLocaleError):
        return code or "—"


def number(value, locale: str | None = None, *, places: int | None = None) -> str:
    """A count or a decimal with the locale's grouping ("—" when there is none); `places`
    fixes the decimals shown (4.0 with one place, not 4)."""
    if value is None:
        return "—"
    pattern = None if places is None else "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=_locale(locale))


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(money, "money")
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(today, "today")
    app.add_template_global(site_zone_label, "zone_label")
    app.add_template_global(language_name, "language_name")
