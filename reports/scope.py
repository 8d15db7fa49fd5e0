"""The scope of one report: an ISO week at one site or at all sites, as UTC bounds per site.

Each site's week is Monday 00:00 to the next Monday 00:00 on that site's wall clock
(`reports.weeks.window`). SQL conditions compare stored UTC timestamps with these
precomputed bounds, as an OR over sites of (site_id = X AND start_X <= column < end_X), so
the same query runs on SQLite and PostgreSQL and uses the (site_id, time) indexes.

Sites whose weeks have the same bounds (zones with the same offsets that week) share one
branch, `site_id IN (...)`; with several branches, the whole period bounds the column as
well, so an index on the column alone serves the condition and the planner has few
branches to weigh.
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

    def shapes(self) -> list[tuple[SiteWeek, list[int]]]:
        """The sites grouped by the shape of their week (bounds, days, as_of, end date):
        one representative week and the site ids sharing it, in site order."""
        groups: dict[tuple, tuple[SiteWeek, list[int]]] = {}
        for week in self.sites:
            key = (week.start, week.end, week.days, week.as_of, week.end_date)
            groups.setdefault(key, (week, []))[1].append(week.site_id)
        return list(groups.values())

    def by_shape(self) -> list["Scope"]:
        """This scope split into one scope per shape of week (`shapes`): each one's
        conditions are a single range per column, with no OR over sites."""
        return [Scope(self.week, self.now, tuple(w for w in self.sites if w.site_id in ids))
                for _week, ids in self.shapes()]

    def each(
        self, condition: Callable[[SiteWeek], ColumnElement[bool]], site_column=Ticket.site_id
    ) -> ColumnElement[bool]:
        """OR over the sites of (site_column = site AND condition(site's week)); `condition`
        may read a week's bounds, days, as_of and end date (sites sharing them share one
        branch), not its site id or zone."""
        if not self.sites:
            return false()
        return or_(*(and_(_site_in(site_column, ids), condition(week))
                     for week, ids in self.shapes()))

    def during(self, column, site_column=Ticket.site_id) -> ColumnElement[bool]:
        """`column` (a UTC timestamp) falls in its site's week: start <= column < end."""
        condition = self.each(lambda w: and_(column >= w.start, column < w.end), site_column)
        return self.bounded(condition, column, lambda w: w.start, lambda w: w.end)

    def bounded(self, condition: ColumnElement[bool], column, low=None, high=None
                ) -> ColumnElement[bool]:
        """`condition` (an `each` over the sites) with `column` bounded by the lowest
        `low(week)` and the highest `high(week)` over the sites beside it when the sites'
        weeks differ, so that one index range of `column` serves it."""
        if len(self.shapes()) < 2:
            return condition
        bounds = []
        if low is not None:
            bounds.append(column >= min(low(w) for w in self.sites))
        if high is not None:
            bounds.append(column < max(high(w) for w in self.sites))
        return and_(*bounds, condition)

    def as_of(self, site_column=Ticket.site_id) -> ColumnElement:
        """Per row, the moment its site's backlog is read at (a SQL timestamp value)."""
        if not self.sites:
            return null()
        moments: dict[datetime, list[int]] = {}
        for week in self.sites:
            moments.setdefault(week.as_of, []).append(week.site_id)
        if len(moments) == 1:
            return literal(self.sites[0].as_of, UTCDateTime())
        whens = [(_site_in(site_column, ids), literal(moment, UTCDateTime()))
                 for moment, ids in moments.items()]
        return case(*whens)

    def site(self, site_id: int) -> SiteWeek:
        return next(each for each in self.sites if each.site_id == site_id)

    @property
    def period(self) -> Window | None:
        """From the earliest start to the latest end over the sites (None without sites)."""
        if not self.sites:
            return None
        return min(w.start for w in self.sites), max(w.end for w in self.sites)


def _site_in(site_column, ids: list[int]) -> ColumnElement[bool]:
    return site_column == ids[0] if len(ids) == 1 else site_column.in_(ids)


def build_scope(week: IsoWeek, sites: Sequence[Site], now: datetime) -> Scope:
    """The scope of `week` at `sites`; `now` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    now = now.astimezone(UTC)
    return Scope(week, now, tuple(site_week(site, week, now) for site in sites))
