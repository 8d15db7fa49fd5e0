"""Template filters: times shown in the site's zone, money with its currency."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_currency, format_datetime, get_locale
from flask_login import current_user


def site_zone(site=None) -> ZoneInfo:
    """The zone to show times in: the given site's, else the viewer's site's, else UTC."""
    if site is None and getattr(current_user, "is_authenticated", False):
        site = current_user.site
    return ZoneInfo(site.timezone) if site is not None else ZoneInfo("UTC")


def local_time(moment: datetime | None, site=None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Format an aware UTC datetime in the site's zone (with the zone's abbreviation)."""
    if moment is None:
        return "—"
    local = moment.astimezone(site_zone(site))
    return f"{format_datetime(local.replace(tzinfo=None), fmt)} {local.tzname()}"


def today(site=None) -> date:
    """Today's date in the site's zone (else the viewer's, else UTC)."""
    from core.clock import utcnow

    return utcnow().astimezone(site_zone(site)).date()


def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return "—"
    return format_currency(amount, currency)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(money, "money")
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(today, "today")
