"""Which report a person asks for: the week (default: the last full week) and the site.

Managers may ask for any site or for all sites; supervisors always get their own site.
Web pages pass a site id, the API and CLI a site name; both are accepted.
"""

from dataclasses import dataclass
from datetime import datetime

from auth.models import User
from auth.permissions import has_permission
from core.messages import define
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from reports.weeks import WeekError, parse_week, previous_week, week_of
from sites.models import Site
from sites.services import NO_SUCH_SITE, find_site

ALL_SITES = ("", "all")
OWN_SITE_ONLY = define("report.own_site_only",
                       N_("You can see the report of your own site only."))


@dataclass(frozen=True)
class ReportChoice:
    week: str
    site: Site | None

    @property
    def site_id(self) -> int | None:
        return self.site.id if self.site else None


def last_full_week(user: User, now: datetime) -> str:
    """The ISO week before the current one, in the user's site zone."""
    return str(previous_week(week_of(now, user.site.timezone)))


def _week(text: str | None, user: User, now: datetime) -> str:
    if not text:
        return last_full_week(user, now)
    try:
        return str(parse_week(text))
    except WeekError as error:
        raise ValidationFailed({"week": error.reason}) from None


def _site(text: str | None, user: User) -> Site | None:
    if not has_permission(user, "view_all_sites"):
        if text not in (None, *ALL_SITES) and text not in (str(user.site_id), user.site.name):
            raise ValidationFailed({"site": OWN_SITE_ONLY()})
        return user.site
    if text is None or text.strip().lower() in ALL_SITES:
        return None
    is_id = text.isascii() and text.isdigit() and len(text) < 10
    site = db.session.get(Site, int(text)) if is_id else find_site(text)
    if site is None:
        raise ValidationFailed({"site": NO_SUCH_SITE(name=text[:80])})
    return site


def choose(user: User, week: str | None, site: str | None, now: datetime) -> ReportChoice:
    """The report `user` asked for; ValidationFailed naming `week` or `site` otherwise."""
    errors, chosen = {}, {}
    readers = (("week", lambda: _week(week, user, now)), ("site", lambda: _site(site, user)))
    for name, read in readers:
        try:
            chosen[name] = read()
        except ValidationFailed as failed:
            errors.update(failed.fields)
    if errors:
        raise ValidationFailed(errors)
    return ReportChoice(chosen["week"], chosen["site"])
