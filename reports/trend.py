"""The last weeks at a glance: new tickets per SERVQUAL dimension, week by week.

One statement: a grouped count per week and per shape of week (sites whose weeks have the
same bounds) over the report's own "new" condition, glued with UNION ALL. Each part is one
range of the index of (site, creation time, dimension), read alone, so the cost follows the
tickets of the weeks shown, not the archive.
"""

from collections import Counter
from datetime import datetime

from sqlalchemy import Integer, func, literal, select, union_all

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
    parts = [
        # count(*), not count(id): the index then answers it alone on PostgreSQL too.
        select(literal(number, Integer).label("week"), Ticket.dimension,
               func.count().label("tickets"))
        .where(sets.created_during(part))
        .group_by(Ticket.dimension)
        for number, each in enumerate(shown)
        for part in build_scope(each, sites, now).by_shape()
    ]
    counts: Counter = Counter()
    if parts:
        for number, dimension, tickets in db.session.execute(union_all(*parts)):
            counts[(number, dimension)] += tickets
    series = {dimension: [counts[(number, dimension)] for number in range(len(shown))]
              for dimension in values(Dimension)}
    return {"weeks": [str(each) for each in shown], "series": series}
