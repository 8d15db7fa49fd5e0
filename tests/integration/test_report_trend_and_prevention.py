"""The report's trend and prevention figures at scale: each is one statement, counted in
each site's own week, and (on PostgreSQL) read through the indexes made for them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.vocabulary import Dimension, values
from demo.bulk import seed_bulk
from extensions import db
from reports import lists, sets
from reports.scope import build_scope
from reports.trend import new_by_dimension
from reports.weeks import last_weeks, parse_week
from sites.models import Site
from tests.support.queries import postgres_plan, recorded_statements
from tickets.actions import perform
from tickets.models import PreventionAction, Ticket

WEEK = "2026-W47"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SHANGHAI_MONDAY = datetime(2026, 11, 15, 16, tzinfo=UTC)  # 2026-W47 starts here in Shanghai
TOKYO_MONDAY = datetime(2026, 11, 15, 15, tzinfo=UTC)  # …and an hour earlier in Tokyo


@pytest.fixture
def sites(make_site):
    return [make_site(name="Harbour", timezone="Asia/Shanghai"),
            make_site(name="Summit", timezone="Asia/Tokyo")]


def _open_at(make_ticket, site, moment: datetime, dimension: str) -> Ticket:
    clock.set_now(moment)
    return make_ticket(site=site, dimension=dimension)


def _plain_trend(week: str, sites) -> dict[str, list[int]]:
    """New tickets per dimension and week, counted one week at a time through the report's
    "new" set (the definition the trend must agree with)."""
    series = {dimension: [] for dimension in values(Dimension)}
    for each in last_weeks(parse_week(week), 8):
        scope = build_scope(each, sites, NOW)
        counts = dict(db.session.execute(
            select(Ticket.dimension, func.count(Ticket.id))
            .where(Ticket.id.in_(sets.new(scope))).group_by(Ticket.dimension)).all())
        for dimension in series:
            series[dimension].append(counts.get(dimension, 0))
    return series


def test_the_trend_counts_each_sites_own_weeks_in_one_statement(sites, make_ticket):
    harbour, summit = sites
    # Sunday 15:30 UTC: Monday 00:30 in Tokyo (W47) but still Sunday 23:30 in Shanghai (W46).
    on_the_edge = TOKYO_MONDAY + timedelta(minutes=30)
    _open_at(make_ticket, harbour, on_the_edge, "empathy")
    _open_at(make_ticket, summit, on_the_edge, "empathy")
    _open_at(make_ticket, harbour, SHANGHAI_MONDAY, "tangibles")
    for weeks_back, dimension in ((1, "assurance"), (3, "reliability"), (7, "responsiveness"),
                                  (8, "reliability")):
        for site in sites:
            _open_at(make_ticket, site, SHANGHAI_MONDAY + timedelta(days=2 - 7 * weeks_back),
                     dimension)
    clock.set_now(NOW)
    with recorded_statements(cold=True) as statements:
        trend = new_by_dimension(WEEK, None, NOW)
    trend_statements = [s for s in statements if "tickets" in s]
    assert len(trend_statements) == 1, statements
    assert trend["weeks"][-1] == WEEK and len(trend["weeks"]) == 8
    assert trend["series"] == _plain_trend(WEEK, sites)
    # The edge ticket counts in Tokyo's W47 and in Shanghai's W46.
    assert trend["series"]["empathy"][-1] == 1 and trend["series"]["empathy"][-2] == 1
    assert trend["series"]["tangibles"][-1] == 1
    assert trend["series"]["responsiveness"][0] == 2  # seven weeks back: the oldest shown
    assert sum(trend["series"]["reliability"]) == 2  # eight weeks back is not shown
    one_site = new_by_dimension(WEEK, summit, NOW)
    assert one_site["series"] == _plain_trend(WEEK, [summit])
    assert one_site["series"]["empathy"][-1] == 1 and one_site["series"]["tangibles"][-1] == 0


def _prevention_ticket(make_ticket, resolve_ticket, site, at: datetime, due: datetime):
    clock.set_now(at)
    ticket = make_ticket(site=site)
    resolve_ticket(ticket, prevention_action=f"Check {at:%d %H:%M}",
                   prevention_owner="Front office manager", prevention_due=due.date().isoformat())
    return ticket


def _complete(ticket, at: datetime, supervisor) -> None:
    action = ticket.prevention_actions[0]
    clock.set_now(at)
    perform(ticket, "complete_prevention", supervisor,
            {"prevention_id": action.id, "note": "Done on the floor."}, version=None, now=at)
    db.session.commit()


def test_prevention_counts_and_lists_what_was_open_at_each_sites_week_end(
        sites, make_ticket, resolve_ticket, make_user):
    harbour, summit = sites
    leads = {site.id: make_user("supervisor", site=site) for site in sites}
    week_end = SHANGHAI_MONDAY + timedelta(days=7)
    early = SHANGHAI_MONDAY + timedelta(days=1)
    overdue = _prevention_ticket(make_ticket, resolve_ticket, harbour, early,
                                 due=early + timedelta(days=2))
    _prevention_ticket(make_ticket, resolve_ticket, summit, early,
                       due=week_end + timedelta(days=5))  # open, not due yet
    done_before = _prevention_ticket(make_ticket, resolve_ticket, harbour, early,
                                     due=early + timedelta(days=1))
    _complete(done_before, week_end - timedelta(hours=3), leads[harbour.id])
    done_after = _prevention_ticket(make_ticket, resolve_ticket, summit, early,
                                    due=early + timedelta(days=3))
    _complete(done_after, week_end + timedelta(days=1), leads[summit.id])
    # Done 30 minutes after Tokyo's week ended, before Shanghai's: open at Tokyo's end.
    tokyo_edge = _prevention_ticket(make_ticket, resolve_ticket, summit, early,
                                    due=early + timedelta(days=1))
    _complete(tokyo_edge, TOKYO_MONDAY + timedelta(days=7, minutes=30), leads[summit.id])
    clock.set_now(NOW)
    scope = build_scope(parse_week(WEEK), sites, NOW)
    with recorded_statements(cold=True) as statements:
        figures = lists.prevention(scope)
    assert len(statements) == 1, statements
    assert figures["open"] == 4
    assert figures["overdue"] == 3
    listed = [item["ticket"] for item in figures["overdue_items"]]
    assert listed == [tokyo_edge.ref, overdue.ref, done_after.ref]
    plain = db.session.scalar(select(func.count(PreventionAction.id))
                              .join(Ticket).where(sets.prevention_open(scope)))
    assert plain == figures["open"]


def test_prevention_without_anything_open(sites):
    figures = lists.prevention(build_scope(parse_week(WEEK), sites, NOW))
    assert figures == {"open": 0, "overdue": 0, "overdue_items": []}


@pytest.mark.postgres_only
def test_trend_repeat_and_prevention_read_their_indexes_on_postgresql(app):
    seed_bulk(420, weeks=12, site_name="Bulk Test Hotel")
    db.session.commit()
    sites = list(db.session.scalars(select(Site).order_by(Site.id)))
    now = clock.utcnow()
    last_week = now - timedelta(days=7)
    week = parse_week(f"{last_week.isocalendar()[0]}-W{last_week.isocalendar()[1]:02d}")
    scope = build_scope(week, sites, now)
    hot = {
        "trend": (select(Ticket.dimension, func.count(Ticket.id))
                  .where(sets.created_during(scope.by_shape()[0])).group_by(Ticket.dimension),
                  "ix_tickets_site_created_dimension", "tickets"),
        "repeat complainants": (sets.repeat_customers(scope),
                                "ix_tickets_customer_created_site", "tickets"),
        "prevention": (sets.prevention_actions(scope, func.count(PreventionAction.id)),
                       "ix_prevention_actions_done", "prevention_actions"),
    }
    for name, (statement, index, table) in hot.items():
        plan = postgres_plan(statement)
        assert f"Seq Scan on {table}" not in plan, (name, plan)
        assert index in plan, (name, plan)
