"""The live weekly report at scale: its statement count does not grow with the week's
tickets, and on PostgreSQL its week selections and backlog read indexes, not scans."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from core import clock
from demo.bulk import seed_bulk
from extensions import db
from reports import backlog, sets
from reports.figures import figure_tickets, weekly_figures
from reports.scope import build_scope
from reports.weeks import parse_week
from tests.support.queries import postgres_plan
from tickets.actions import perform

SMALL, LARGE = "2026-W45", "2026-W47"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _monday(week: str) -> datetime:
    return datetime.combine(parse_week(week).monday, datetime.min.time(), tzinfo=UTC)


@pytest.fixture
def two_weeks(app, make_site, make_user, make_ticket, resolve_ticket):
    """Two sites whose weeks differ by an hour (Shanghai, Tokyo): in SMALL one resolved
    ticket a site, in LARGE five; in each week, at the last site, one more resolved with a
    prevention action and reopened, and one declined."""
    sites = [make_site(name="Harbour", timezone="Asia/Shanghai"),
             make_site(name="Summit", timezone="Asia/Tokyo")]
    for week, per_site in ((SMALL, 1), (LARGE, 5)):
        for site in sites:
            owner = make_user("front_desk", site=site)
            for number in range(per_site):
                clock.set_now(_monday(week) + timedelta(days=1, hours=number))
                ticket = make_ticket(owner=owner, site=site)
                clock.set_now(clock.utcnow() + timedelta(hours=1))
                resolve_ticket(ticket)
        lead = make_user("supervisor", site=site)
        clock.set_now(_monday(week) + timedelta(days=3))
        reopened = make_ticket(owner=owner, site=site)
        resolve_ticket(reopened, prevention_action="Flag the noisy rooms at check-in",
                       prevention_owner="Front office manager",
                       prevention_due=(_monday(week) + timedelta(days=5)).date().isoformat())
        clock.set_now(clock.utcnow() + timedelta(hours=2))
        perform(reopened, "reopen", owner, {"reason": "The guest called back"}, version=None,
                now=clock.utcnow())
        declined = make_ticket(owner=lead, site=site)
        perform(declined, "decline", lead, {"reason": "Not about the hotel",
                                            "alternative_offered": "The airline's desk"},
                version=None, now=clock.utcnow())
        db.session.commit()
    clock.set_now(NOW)
    return sites


def _statements(week: str, site) -> tuple[int, dict]:
    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        figures = weekly_figures(week, site, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count, figures


def test_the_statement_count_does_not_grow_with_the_tickets_of_the_week(two_weeks):
    for site in (None, two_weeks[0]):
        small, small_figures = _statements(SMALL, site)
        large, large_figures = _statements(LARGE, site)
        assert small_figures["volume"]["new"] < large_figures["volume"]["new"]
        assert large_figures["volume"]["resolved"] >= 5
        assert small == large, (site, small, large)


def test_each_count_and_its_ticket_list_agree_at_two_sites_with_different_weeks(two_weeks):
    figures = weekly_figures(LARGE, None, NOW)
    for key in ("new", "resolved", "declined", "reopened"):
        listed = db.session.scalars(figure_tickets(key, LARGE, None, NOW)).all()
        assert len(listed) == figures["volume"][key], key
    listed = db.session.scalars(figure_tickets("open", LARGE, None, NOW)).all()
    assert len(listed) == _open_count(LARGE)


def _open_count(week: str) -> int:
    """The tickets open at the week's end, by the plain definition (no index condition)."""
    scope = build_scope(parse_week(week), _sites(), NOW)
    plain = scope.each(lambda w: backlog.open_at(w.as_of))
    return db.session.scalar(select(func.count()).where(plain))


def _sites():
    from sites.models import Site

    return list(db.session.scalars(select(Site).order_by(Site.id)))


@pytest.fixture
def archive(app):
    """A small archive at one site, as `flask seed-bulk` builds it (analysed)."""
    seed_bulk(420, weeks=12, site_name="Bulk Test Hotel")
    db.session.commit()
    return _sites()


@pytest.mark.postgres_only
def test_the_report_reads_the_week_and_the_backlog_from_indexes_on_postgresql(archive):
    now = clock.utcnow()
    last_week = now - timedelta(days=7)
    week = parse_week(f"{last_week.isocalendar()[0]}-W{last_week.isocalendar()[1]:02d}")
    scope = build_scope(week, archive, now)
    hot = {
        "resolved": (sets.resolved(scope), "ix_ticket_events_action_created"),
        "reopened": (sets.reopened(scope), "ix_ticket_events_action_created"),
        "first contact": (sets.first_contact(scope), "ix_ticket_events_action_created"),
        "open at the week's end": (backlog.open_tickets(scope), "ix_tickets_site_unfinished"),
    }
    for name, (statement, index) in hot.items():
        plan = postgres_plan(select(func.count()).select_from(statement.subquery()))
        assert "Seq Scan on tickets" not in plan, (name, plan)
        assert "Seq Scan on ticket_events" not in plan, (name, plan)
        assert index in plan, (name, plan)
    assert "ix_tickets_site_resolved" in postgres_plan(backlog.open_tickets(scope))
