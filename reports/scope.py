"""The scope of one report: an ISO week at one site or at all sites, as UTC bounds per site.

Each site's week is Monday 00:00 to the next Monday 00:00 on that site's wall clock
(`reports.weeks.window`). SQL conditions compare stored UTC timestamps with these
precomputed bounds, as an OR over sites of (site_id = X AND start_X <= column < end_X), so
the same query runs on SQLite and PostgreSQL and uses the (site_id, time) indexes.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, false, literal, null, or_

from core.db_types import UTCDateTime
from reports.weeks import IsoWeek, Window, day_windows, window
from sites.models import Site
from tickets.models import Ticket


@dataclass(frozen=True)
class SiteWeek:
    """One site's week: UTC bounds, its seven local days, and the moment "as of" which the
    backlog is read (the week's end, or now when the week is not over)."""

    site_id: int
    zone: ZoneInfo
    start: datetime
    end: datetime
    days: tuple[Window, ...]
    as_of: datetime

    @property
    def end_date(self) -> date:
        """The local date on which the week ends (the next Monday)."""
        return self.end.astimezone(self.zone).date()


def site_week(site: Site, week: IsoWeek, now: datetime) -> SiteWeek:
    zone = ZoneInfo(site.timezone)
    start, end = window(week, zone)
    days = tuple(day_windows(week, zone))
    return SiteWeek(site.id, zone, start, end, days, min(now, end))


@dataclass(frozen=True)
class Scope:
    """What a report covers: `week` at `sites` (one or all), read at `now` (aware UTC)."""

    week: IsoWeek
    now: datetime
    sites: tuple[SiteWeek, ...]

    @property
    def site_ids(self) -> list[int]:
        return [each.site_id for each in self.sites]

    def each(
        self, condition: Callable[[SiteWeek], ColumnElement[bool]], site_column=Ticket.site_id
    ) -> ColumnElement[bool]:
        """OR over the sites of (site_column = site AND condition(site's week))."""
        if not self.sites:
            return false()
        return or_(*(and_(site_column == w.site_id, condition(w)) for w in self.sites))

    def during(self, column, site_column=Ticket.site_id) -> ColumnElement[bool]:
        """`column` (a UTC timestamp) falls in its site's week: start <= column < end."""
        return self.each(lambda w: and_(column >= w.start, column < w.end), site_column)

    def as_of(self, site_column=Ticket.site_id) -> ColumnElement:
        """Per row, the moment its site's backlog is read at (a SQL timestamp value)."""
        if not self.sites:
            return null()
        if len(self.sites) == 1:
            return literal(self.sites[0].as_of, UTCDateTime())
        whens = [(site_column == w.site_id, literal(w.as_of, UTCDateTime())) for w in self.sites]
        return case(*whens)

    def site(self, site_id: int) -> SiteWeek:
        return next(each for each in self.sites if each.site_id == site_id)

    @property
    def period(self) -> Window | None:
        """From the earliest start to the latest end over the sites (None without sites)."""
        if not self.sites:
            return None
        return min(w.start for w in self.sites), max(w.end for w in self.sites)


def build_scope(week: IsoWeek, sites: Sequence[Site], now: datetime) -> Scope:
    """The scope of `week` at `sites`; `now` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    now = now.astimezone(UTC)
    return Scope(week, now, tuple(site_week(site, week, now) for site in sites))
