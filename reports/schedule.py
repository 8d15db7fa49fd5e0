"""The Monday report run: at 08:00 site time, store last week's report and mail managers.

`due_reports(now)` says which reports are due: for each site, the week before its latest
Monday 08:00 (local) when that week is not stored yet; for all sites together, the latest
week whose Monday 08:00 has passed at every site. Only the latest week is caught up after
downtime (older weeks can be stored from the report page). Running it twice is harmless:
a stored week is never stored again, even by two schedulers at once.

The run is one transaction (the scheduler runs it inside `core.transaction.run_job`, which
commits once); each report is stored in its own savepoint, so one report that fails (its
figures, its announcement) is logged and left for the next run without losing the others.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select

from extensions import db
from reports.snapshots import store_once, stored
from reports.weeks import IsoWeek, last_trigger
from sites.models import Site

log = logging.getLogger(__name__)
TRIGGER_WEEKDAY, TRIGGER_HOUR = 0, 8


@dataclass(frozen=True)
class DueReport:
    week: str
    site: Site | None


def reported_week(now: datetime, site: Site) -> IsoWeek:
    """The week the site's latest Monday 08:00 (site time) reports."""
    _trigger, week = last_trigger(now, site.timezone, TRIGGER_WEEKDAY, TRIGGER_HOUR)
    return week


def due_reports(now: datetime) -> list[DueReport]:
    sites = list(db.session.scalars(select(Site).order_by(Site.id)))
    due = []
    for site in sites:
        week = str(reported_week(now, site))
        if stored(week, site) is None:
            due.append(DueReport(week, site))
    if sites:
        week = str(min(reported_week(now, site) for site in sites))
        if stored(week, None) is None:
            due.append(DueReport(week, None))
    return due


def run_weekly_reports(now: datetime) -> list[str]:
    """Store every due report and tell the managers; returns what was stored. A report
    that fails is logged and skipped (nothing of it is kept); the caller commits."""
    from reports.mail import announce

    done = []
    for report in due_reports(now):
        where = report.site.name if report.site else "all sites"
        try:
            snapshot = store_once(report.week, report.site, now,
                                  then=partial(announce, now=now))
        except Exception:
            log.exception("the weekly report %s for %s failed; the next run tries again",
                          report.week, where)
            continue
        if snapshot is not None:
            done.append(f"{report.week} {where}")
    return done
