"""REPORT_DATABASE_URL: the live weekly report reads the replica; everything else, and the
stored report it writes, stays on the primary."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select

from core import clock
from core.replica import ENGINE_KEY
from extensions import db
from reports.models import ReportSnapshot
from reports.snapshots import report_figures, store
from reports.weeks import week_of
from tests.conftest import PostgresScratch
from tickets.models import Ticket

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


@pytest.fixture
def replica(app, database_url):
    """An empty database with the schema: what a replica lagging far behind would hold."""
    scratch = None
    if database_url.startswith("sqlite"):
        url = database_url.replace("test.sqlite3", "replica.sqlite3")
    else:
        scratch = PostgresScratch("replica")
        url = scratch.create()
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    app.config["REPORT_DATABASE_URL"] = url
    yield url
    app.config["REPORT_DATABASE_URL"] = ""
    made = app.extensions.pop(ENGINE_KEY, None)
    if made is not None:
        made.dispose()
    if scratch is not None:
        scratch.drop()


def _rows_in(url: str, table) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))
    finally:
        engine.dispose()


def test_the_live_report_reads_the_replica_and_the_session_is_back_after(
        app, make_ticket, replica):
    clock.set_now(NOW)
    ticket = make_ticket()
    week = str(week_of(NOW, ticket.site.timezone))
    own_session = db.session()
    assert report_figures(week, ticket.site, NOW)["volume"]["new"] == 0  # the replica's
    assert db.session() is own_session
    assert db.session.get(Ticket, ticket.id) is ticket
    app.config["REPORT_DATABASE_URL"] = ""
    assert report_figures(week, ticket.site, NOW)["volume"]["new"] == 1  # the primary's


def test_storing_a_report_writes_the_primary_only(app, make_ticket, replica):
    clock.set_now(NOW)
    ticket = make_ticket()
    week = str(week_of(NOW, ticket.site.timezone))
    snapshot = store(week, ticket.site, NOW)
    db.session.commit()
    assert snapshot.figures["volume"]["new"] == 0  # computed on the replica
    assert db.session.scalar(select(func.count(ReportSnapshot.id))) == 1  # kept on the primary
    assert _rows_in(replica, ReportSnapshot.__table__) == 0


def test_a_failing_report_still_gives_the_session_back(app, make_ticket, replica,
                                                       monkeypatch):
    from reports import snapshots

    def broken(*_args):
        raise RuntimeError("the report broke")

    monkeypatch.setattr(snapshots, "weekly_figures", broken)
    own_session = db.session()
    with pytest.raises(RuntimeError):
        report_figures("2026-W48", None, NOW)
    assert db.session() is own_session


def test_without_a_replica_the_report_reads_the_primary(app, make_ticket):
    assert not app.config.get("REPORT_DATABASE_URL")
    clock.set_now(NOW)
    ticket = make_ticket()
    week = str(week_of(NOW, ticket.site.timezone))
    assert report_figures(week, ticket.site, NOW)["volume"]["new"] == 1
