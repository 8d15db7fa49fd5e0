"""`flask seed-bulk`: a realistic archive the integrity checker passes, and the hot queries
of a large archive served by indexes (PostgreSQL plans)."""

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from core.clock import utcnow
from core.vocabulary import Status
from demo.bulk import seed_bulk
from extensions import db
from maintenance.integrity import check_integrity
from reports import sets
from reports.scope import build_scope
from reports.weeks import parse_week
from tests.support.queries import postgres_plan
from tickets import escalation, queries
from tickets.models import PreventionAction, Ticket, TicketEvent

SITE = "Bulk Test Hotel"


def _indexes() -> set[tuple[str, str]]:
    """Every index of the database as it defines it: (name, CREATE statement)."""
    if db.engine.dialect.name == "postgresql":
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        query = "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'"
    return set(db.session.execute(text(query)).tuples())


@pytest.fixture
def archive(app):
    """A small archive at one site: the demo's plays and their clones."""
    before = _indexes()
    summary = seed_bulk(420, weeks=12, site_name=SITE)
    db.session.commit()
    assert _indexes() == before, "the indexes set aside for the load are all back"
    return summary


def test_a_small_archive_is_complete_consistent_and_passes_the_integrity_check(archive):
    assert archive.tickets == 420 and db.session.scalar(select(func.count(Ticket.id))) == 420
    statuses = Counter(db.session.scalars(select(Ticket.status)))
    assert set(statuses) == {str(status) for status in Status}, statuses
    assert archive.open == sum(statuses[s] for s in ("new", "owned", "fix_offered",
                                                     "awaiting_approval"))
    versions = db.session.scalar(select(func.sum(Ticket.version)))
    assert db.session.scalar(select(func.count(TicketEvent.id))) == versions
    per_customer = Counter(db.session.scalars(select(Ticket.customer_id)))
    assert max(per_customer.values()) >= 3, "repeat complainants"
    oldest = db.session.scalar(select(func.min(Ticket.created_at)))
    assert utcnow() - oldest > timedelta(weeks=9), "spread over the weeks asked for"
    report = check_integrity()
    assert report.clean, [str(finding) for finding in report.findings[:10]]
    assert report.tickets == 420


def test_prevention_actions_moved_back_in_time_are_done_as_the_demo_does_them(archive):
    """A template's action still open would otherwise stay open in every week of the
    archive: on a clone moved back in time it is done 3 to 20 days after it was recorded."""
    rows = db.session.execute(
        select(PreventionAction.created_at, PreventionAction.done_at, Ticket.created_at)
        .join(Ticket, Ticket.id == PreventionAction.ticket_id)).all()
    assert len(rows) > 20
    now = utcnow()
    # The templates are played over the last 60 days: anything older was moved back.
    moved_back = [row for row in rows if row[2] < now - timedelta(days=62)]
    assert moved_back and all(done is not None for _created, done, _ticket in moved_back)
    assert all(created < done < now for created, done, _ticket in moved_back)
    still_open = [row for row in rows if row[1] is None]
    assert len(still_open) < len(rows) / 4, "open actions are those of recent weeks only"


def test_the_command_refuses_hostile_arguments_and_changes_nothing(app):
    runner = app.test_cli_runner()
    for arguments in (["--tickets", "0"], ["--tickets", "١٠"], ["--tickets", "5", "--weeks", "0"],
                      ["--tickets", "5", "--site", "bad\x00name"], []):
        result = runner.invoke(args=["seed-bulk", *arguments])
        assert result.exit_code == 2, (arguments, result.output)
        assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count(Ticket.id))) == 0


@pytest.mark.postgres_only
def test_the_hot_queries_of_a_large_archive_read_an_index_on_postgresql(app, archive):
    now = utcnow()
    site_id = db.session.scalar(text("SELECT id FROM sites WHERE name = :n"), {"n": SITE})
    owner = db.session.get(Ticket, db.session.scalar(
        select(Ticket.id).where(Ticket.status == "owned").limit(1))).owner
    week = parse_week(f"{(now - timedelta(days=7)).isocalendar()[0]}-W"
                      f"{(now - timedelta(days=7)).isocalendar()[1]:02d}")
    site = owner.site
    hot = {
        "overdue list": (queries.site_tickets(
            owner, queries.TicketFilters(overdue_at=now, site_id=site_id), ZoneInfo(site.timezone)),
            "ix_tickets_site_next_due"),
        "my tickets": (queries.my_tickets(owner), "ix_tickets_owner_status"),
        "sweep's due selection": (escalation.due_selection(now), "ix_tickets_sla_next_check"),
        "report's week selection": (sets.new(build_scope(week, [site], now)),
                                    "ix_tickets_site_created_dimension"),
    }
    for name, (statement, index) in hot.items():
        plan = postgres_plan(statement)
        assert "Seq Scan on tickets" not in plan, (name, plan)
        assert index in plan, (name, plan)
