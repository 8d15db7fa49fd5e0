"""The last weeks at a glance: new tickets per SERVQUAL dimension, week by week.

One grouped count per week of the report's own "new" set (indexed creation time), so the
cost follows the number of weeks shown, not the archive.
"""

from datetime import datetime

from sqlalchemy import func, select

from core.vocabulary import Dimension, values
from extensions import db
from reports import sets
from reports.figures import sites_of
from reports.scope import build_scope
from reports.weeks import last_weeks, parse_week
from sites.models import Site
from tickets.models import Ticket

TREND_WEEKS = 8


def new_by_dimension(week: str, site: Site | None, now: datetime,
                     weeks: int = TREND_WEEKS) -> dict:
    """{"weeks": [oldest … `week`], "series": {dimension: [count per week]}}."""
    sites = sites_of(site)
    shown = last_weeks(parse_week(week), weeks)
    series = {dimension: [] for dimension in values(Dimension)}
    for each in shown:
        scope = build_scope(each, sites, now)
        stmt = (
            select(Ticket.dimension, func.count(Ticket.id))
            .where(Ticket.id.in_(sets.new(scope)))
            .group_by(Ticket.dimension)
        )
        counts = dict(db.session.execute(stmt).all())
        for dimension in values(Dimension):
            series[dimension].append(counts.get(dimension, 0))
    return {"weeks": [str(each) for each in shown], "series": series}
