"""The sweep costs what is due, not what is in the archive: a pass's statements do not grow
with the number of tickets one batch steps, nor with the tickets that are not due, and the
follow-up part of a pass with nothing due is two indexed queries.

One kind of statement still comes once a row: on SQLite only, the INSERT of each audit
event and notification (SQLAlchemy batches INSERT … RETURNING on PostgreSQL, not on
SQLite). They are counted apart and checked to be exactly that. The webhooks' endpoints
are not read at all: the process keeps them since the tickets were opened
(`core.stamped`)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from followups.sweep import follow_up_sweep
from jobs.sweep import sweep
from notifications.models import Notification
from tests.support.queries import recorded_statements
from tests.support.races import lose_the_race_on
from tickets.models import Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
BREACHED = T0 + timedelta(minutes=31)  # a high ticket opened at T0 missed its first response


def _at(moment: datetime) -> datetime:
    clock.set_now(moment)
    return moment


def _one_per_row(statement: str) -> bool:
    """The statements that come once a row (see the module's doc)."""
    per_row_inserts = ("INSERT INTO ticket_events", "INSERT INTO notifications")
    return db.engine.dialect.name == "sqlite" and statement.startswith(per_row_inserts)


def _shape(statements: list[str]) -> list[str]:
    """The statements a pass runs whatever the number of tickets, in order, each by its
    start (a batch's IN list or multi-row VALUES is longer for a larger batch)."""
    return [" ".join(s.split())[:60] for s in statements if not _one_per_row(s)]


@pytest.fixture
def people(make_user, make_site):
    site = make_site(name="Scale Hotel")
    return {
        "desk": make_user("front_desk", site=site),
        "super": make_user("supervisor", site=site),
        "other_super": make_user("supervisor", site=site),
        "manager": make_user("manager", site=site),
        "site": site,
    }


def _open_unowned(make_ticket, people, count: int, at: datetime) -> list:
    _at(at)
    return [make_ticket(owner=None, opener=people["desk"], severity="high")
            for _ in range(count)]


def _timed_pass(moment: datetime) -> tuple[list[str], object]:
    db.session.commit()
    with recorded_statements(cold=True) as statements:
        report = sweep(_at(moment))
    db.session.commit()
    return statements, report


def _breach_pass(make_ticket, people, due: int, not_due: int = 0):
    """`due` tickets breached at BREACHED (one level-1 step each), `not_due` tickets
    opened an hour later beside them; the statements of the pass at BREACHED."""
    _open_unowned(make_ticket, people, due, T0)
    _open_unowned(make_ticket, people, not_due, T0 + timedelta(hours=1))
    return _timed_pass(BREACHED)


def test_a_pass_costs_the_same_for_3_or_12_due_tickets(app, people, make_ticket):
    small, small_report = _breach_pass(make_ticket, people, 3)
    assert small_report.steps == {"sla_level_1": 3}
    db.session.rollback()
    first_pass_events = db.session.scalar(select(func.count(TicketEvent.id)))

    big, big_report = _breach_pass(make_ticket, people, 12)
    assert big_report.steps == {"sla_level_1": 12}
    assert _shape(big) == _shape(small)
    assert sum(1 for s in big if s.startswith("UPDATE tickets")) == 1
    per_row = [s for s in big if _one_per_row(s)]
    per_ticket = 3 if db.engine.dialect.name == "sqlite" else 0  # event, 2 notifications
    assert len(per_row) == len([s for s in small if _one_per_row(s)]) + 9 * per_ticket
    assert not [s for s in small + big if "FROM webhook_endpoints" in s]
    # each step told the two supervisors: 24 notifications, in one INSERT on PostgreSQL
    told = select(func.count(Notification.id)).where(Notification.kind == "sla_level_1")
    assert db.session.scalar(told) == 2 * (3 + 12)
    assert db.session.scalar(select(func.count(TicketEvent.id))) > first_pass_events


def test_a_pass_reads_the_supervisors_and_managers_once(app, people, make_ticket):
    _at(T0)
    tickets = [make_ticket(owner=None, opener=people["desk"], severity="critical")
               for _ in range(5)]
    statements, report = _timed_pass(T0 + timedelta(hours=5))
    assert report.steps["sla_level_1"] == report.steps["sla_level_2"] == 2 * len(tickets)
    staff = [s for s in statements if "WHERE users.role =" in " ".join(s.split())]
    assert len(staff) == 2  # the site's supervisors, the managers
    manager_told = select(func.count(Notification.id)).where(
        Notification.recipient_id == people["manager"].id, Notification.kind == "sla_level_2")
    assert db.session.scalar(manager_told) == 2 * len(tickets)


def test_tickets_that_are_not_due_cost_nothing(app, people, make_ticket):
    alone, _report = _breach_pass(make_ticket, people, 3)
    db.session.rollback()
    among, report = _breach_pass(make_ticket, people, 3, not_due=20)
    assert report.checked == 3
    assert _shape(among) == _shape(alone)
    assert len(among) == len(alone)


def test_a_pass_with_nothing_due_is_the_due_queries_only(app, people, make_ticket):
    _open_unowned(make_ticket, people, 10, T0)
    sweep(_at(BREACHED))
    db.session.commit()
    statements, report = _timed_pass(BREACHED + timedelta(minutes=1))
    assert report.checked == 0
    assert [s.split()[0] for s in statements] == ["SELECT"] * 3


def test_the_follow_up_pass_with_nothing_due_is_two_queries(app, make_ticket,
                                                           resolve_ticket):
    _at(T0)
    for _ in range(4):
        resolve_ticket(make_ticket())
    for moment in (T0 + timedelta(hours=1), T0 + timedelta(days=2, minutes=1)):
        follow_up_sweep(_at(moment))
        db.session.commit()
        with recorded_statements(cold=True) as statements:
            assert follow_up_sweep(moment) == {}
        assert len(statements) == 2, statements
        assert all("FROM follow_ups" in s for s in statements), statements


def test_due_reminders_are_one_query_and_written_together(app, make_ticket, resolve_ticket):
    _at(T0)
    tickets = [resolve_ticket(make_ticket()) for _ in range(4)]
    db.session.commit()
    with recorded_statements(cold=True) as statements:
        done = follow_up_sweep(_at(T0 + timedelta(days=2, minutes=1)))
    assert done == {"reminded": 4}
    selects = [s for s in statements if s.lstrip().startswith("SELECT")]
    assert len(selects) <= 3, selects  # the due reminders (one query), the surveys, a calendar
    inserts = [s for s in statements if s.startswith("INSERT INTO notifications")]
    assert len(inserts) == (4 if db.engine.dialect.name == "sqlite" else 1)
    owners = {ticket.owner_id for ticket in tickets}
    told = select(Notification.recipient_id).where(Notification.kind == "follow_up_due")
    assert set(db.session.scalars(told)) == owners


def test_a_lost_race_in_a_batch_skips_only_that_ticket(app, people, make_ticket,
                                                       monkeypatch):
    """The batch is rolled back and worked one ticket at a time: the others still take
    their step once, each one version and one event, and their people are told once."""
    tickets = _open_unowned(make_ticket, people, 4, T0)
    raced_id, seen = tickets[1].id, {t.id: t.version for t in tickets}
    lose_the_race_on(monkeypatch, raced_id)
    report = sweep(_at(BREACHED))
    db.session.commit()
    assert (report.checked, report.skipped, report.steps) == (4, 1, {"sla_level_1": 3})
    db.session.expire_all()
    for ticket_id, version in seen.items():
        ticket = db.session.get(Ticket, ticket_id)
        steps = [e.action for e in ticket.events if e.action.startswith("sla_")]
        assert steps == ([] if ticket_id == raced_id else ["sla_level_1"])
        assert ticket.version == version + len(steps) == len(ticket.events)
    told = select(Notification.ticket_id).where(Notification.recipient_id == people["super"].id)
    assert sorted(db.session.scalars(told)) == sorted(set(seen) - {raced_id})
