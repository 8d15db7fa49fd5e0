"""Stored weekly reports: generate once, show as stored, regenerate on purpose.

A week's figures change as late events arrive (a survey answered next week changes this
week's recovery rate), so the Monday run stores them: a past week's report never changes
silently. Managers may regenerate a stored week; the snapshot says who did and when.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from auth.models import User
from core.replica import reading_from_report_replica
from extensions import db
from reports.figures import weekly_figures
from reports.models import ReportSnapshot, scope_key
from reports.trend import new_by_dimension
from sites.models import Site


def report_figures(week: str, site: Site | None, now: datetime) -> dict:
    """The week's figures plus the eight-week trend the page draws, read from the report
    replica when one is configured (`REPORT_DATABASE_URL`), else from the primary."""
    with reading_from_report_replica():
        figures = weekly_figures(week, site, now)
        figures["trend"] = new_by_dimension(week, site, now)
    return figures


def stored(week: str, site: Site | None) -> ReportSnapshot | None:
    stmt = select(ReportSnapshot).where(
        ReportSnapshot.week == week, ReportSnapshot.scope == scope_key(site.id if site else None)
    )
    return db.session.scalar(stmt)


def store(week: str, site: Site | None, now: datetime, actor: User | None = None
          ) -> ReportSnapshot:
    """Compute the week's figures now and store them, replacing a stored copy (flushed;
    the transaction boundary commits)."""
    figures = report_figures(week, site, now)
    snapshot = stored(week, site)
    if snapshot is None:
        snapshot = ReportSnapshot(
            week=week, scope=scope_key(site.id if site else None),
            site_id=site.id if site else None,
        )
        db.session.add(snapshot)
    snapshot.figures = figures
    snapshot.generated_at = now
    snapshot.generated_by = actor
    db.session.flush()
    return snapshot


def store_once(week: str, site: Site | None, now: datetime, then=None
               ) -> ReportSnapshot | None:
    """Store the week unless it is already stored, and run `then(snapshot)`, together in
    one savepoint. Returns the new snapshot, or None when it existed (also when another
    process stored it a moment earlier: the unique key refuses the second).

    When `then` (or the store) raises, the savepoint is rolled back — this week's snapshot
    and whatever `then` wrote are gone, so the next run tries again — and the error goes
    on; what the caller stored before in the same transaction is kept. Nothing is
    committed here: the job's boundary (core.transaction.run_job) commits.
    """
    if stored(week, site) is not None:
        return None
    try:
        with db.session.begin_nested():
            snapshot = store(week, site, now)
            if then is not None:
                then(snapshot)
    except IntegrityError:
        return None
    return snapshot


def report_for(week: str, site: Site | None, now: datetime) -> tuple[dict, ReportSnapshot | None]:
    """The stored figures when the week is stored, else live figures (and None)."""
    snapshot = stored(week, site)
    if snapshot is not None:
        return snapshot.figures, snapshot
    return report_figures(week, site, now), None
