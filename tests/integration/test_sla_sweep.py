"""The escalation ladder moving the clock: each step once, a second sweep changes nothing,
pauses stop the ladder, and the sweep reads an index, not the archive."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core import clock
from extensions import db
from jobs.sweep import sweep
from notifications.models import Notification
from tests.support.races import lose_the_race_on
from tickets.actions import perform
from tickets.models import Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _at(minutes: float) -> datetime:
    moment = T0 + timedelta(minutes=minutes)
    clock.set_now(moment)
    return moment


def _sla_events(ticket) -> list[tuple[str, str]]:
    stmt = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.action.like("sla_%"))
        .order_by(TicketEvent.id)
    )
    return [(e.action, e.changes["clock"][1]) for e in db.session.scalars(stmt)]


def _notified(user) -> list[str]:
    stmt = select(Notification.kind).where(Notification.recipient_id == user.id)
    return sorted(db.session.scalars(stmt))


@pytest.fixture
def people(make_user, make_site):
    site = make_site(name="Ladder Hotel")
    return {
        "desk": make_user("front_desk", site=site),
        "super": make_user("supervisor", site=site),
        "manager": make_user("manager", site=site),
        "site": site,
    }


def test_each_step_of_the_ladder_once(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="high")
    assert ticket.first_response_due == T0 + timedelta(minutes=30)
    assert ticket.sla_next_check_at == T0 + timedelta(minutes=22, seconds=30)
    sweep(_at(10))
    assert _sla_events(ticket) == []
    sweep(_at(23))
    assert _sla_events(ticket) == [("sla_at_risk", "first_response")]
    assert _notified(people["super"]) == ["sla_at_risk"]
    sweep(_at(24))
    assert len(_sla_events(ticket)) == 1
    sweep(_at(31))
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.escalation_level == 1
    assert _sla_events(ticket)[-1] == ("sla_level_1", "first_response")
    sweep(_at(46))
    assert _sla_events(ticket)[-1] == ("sla_level_2", "first_response")
    assert db.session.get(Ticket, ticket.id).escalation_level == 2
    assert "sla_level_2" in _notified(people["manager"])
    before = (_sla_events(ticket), db.session.scalar(select(func.count(Notification.id))))
    sweep(_at(46))
    sweep(_at(47))
    after = (_sla_events(ticket), db.session.scalar(select(func.count(Notification.id))))
    assert before == after


def test_after_downtime_every_skipped_escalation_is_taken_in_order(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="critical")
    seen = ticket.version
    report = sweep(_at(60 * 5))
    steps = [step for step, clock_name in _sla_events(ticket) if clock_name == "first_response"]
    assert steps == ["sla_level_1", "sla_level_2"]
    assert "sla_level_1" in _notified(people["super"])
    assert "sla_level_2" in _notified(people["manager"])
    ticket = db.session.get(Ticket, ticket.id)
    taken = len(_sla_events(ticket))
    assert taken == 4  # level 1 and 2 of the first-response and fix-offered clocks
    assert (ticket.escalation_level, ticket.version) == (2, seen + taken)
    assert ticket.version == len(ticket.events)
    assert report.steps["sla_level_1"] == report.steps["sla_level_2"]
    assert "sla_at_risk" not in report.steps
    levels = [e.changes.get("escalation_level") for e in ticket.events
              if e.action in {"sla_level_1", "sla_level_2"} and e.changes["clock"][1]
              == "first_response"]
    assert levels == [[0, 1], [1, 2]]


def test_a_lost_race_skips_only_that_ticket(app, people, make_ticket, monkeypatch):
    _at(0)
    raced, other = (make_ticket(owner=None, opener=people["desk"], severity="high")
                    for _ in range(2))
    raced_id, other_id = raced.id, other.id
    lose_the_race_on(monkeypatch, raced_id)
    report = sweep(_at(31))
    assert (report.checked, report.skipped) == (2, 1)
    db.session.expire_all()
    assert _sla_events(db.session.get(Ticket, raced_id)) == []
    assert _sla_events(db.session.get(Ticket, other_id)) == [("sla_level_1", "first_response")]
    assert _notified(people["super"]) == ["sla_level_1"]
    monkeypatch.undo()
    report = sweep(_at(32))
    assert report.skipped == 0
    assert _sla_events(db.session.get(Ticket, raced_id)) == [("sla_level_1", "first_response")]


def test_an_owned_ticket_stops_the_first_response_clock(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=people["desk"], severity="high")
    assert ticket.owned_at == T0
    sweep(_at(25))
    assert ("sla_at_risk", "first_response") not in _sla_events(ticket)
    assert "first_response" not in (ticket.sla_steps or {})


def test_the_owner_is_warned_of_a_broken_promise(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=people["desk"], severity="low")
    promised = ticket.next_contact_by
    late = promised + timedelta(minutes=1)
    clock.set_now(late)
    sweep(late)
    events = _sla_events(ticket)
    assert ("sla_level_1", "next_contact") in events
    assert "sla_level_1" in _notified(people["desk"])


def test_waiting_on_the_customer_pauses_the_resolution_clock(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=people["desk"], severity="critical")
    resolution_due = ticket.resolution_due
    assert resolution_due == T0 + timedelta(hours=8)
    perform(ticket, "offer_fix", people["desk"], {
        "action": "Replace the broken heater tonight", "remedy_type": "repair_redo",
        "compensation": "0", "committed_by": T0 + timedelta(hours=30),
    }, version=ticket.version, now=_at(60))
    db.session.commit()
    assert ticket.resolution_paused_since == T0 + timedelta(hours=1)
    sweep(_at(60 * 20))
    assert [c for _s, c in _sla_events(ticket) if c == "resolution"] == []
    perform(ticket, "record_response", people["desk"], {"customer_response": "accepted"},
            version=ticket.version, now=_at(60 * 3))
    db.session.commit()
    assert ticket.resolution_paused_since is None
    assert ticket.resolution_due == resolution_due + timedelta(hours=2)


def test_a_reopened_ticket_restarts_resolution_and_keeps_the_level(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=people["desk"], severity="critical")
    ticket.escalation_level = 1
    perform(ticket, "offer_fix", people["desk"], {
        "action": "Comp the dinner", "remedy_type": "refund", "compensation": "80",
        "committed_by": T0 + timedelta(hours=2),
    }, version=ticket.version, now=_at(10))
    perform(ticket, "resolve", people["desk"], {
        "outcome": "Refunded the dinner", "customer_response": "accepted",
        "root_cause": "people", "root_cause_note": "New waiter", "fault": "us",
    }, version=ticket.version, now=_at(20))
    perform(ticket, "reopen", people["super"], {"reason": "Guest wrote again"},
            version=ticket.version, now=_at(600))
    db.session.commit()
    assert ticket.resolution_due == T0 + timedelta(minutes=600 + 480)
    assert ticket.escalation_level == 1
    assert ticket.sla_next_check_at is not None


def test_tier_and_severity_changes_retime_open_tickets(app, client, login, people,
                                                        make_ticket):
    from tests.web.ticket_helpers import post_action
    from tickets.categories import active_categories

    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="low")
    assert ticket.first_response_due == T0 + timedelta(hours=4)
    login(user=people["super"])
    response = client.post(f"/customers/{ticket.customer_id}/edit", data={
        "name": ticket.customer.name, "phone": ticket.customer.phone, "email": "",
        "tier": "vip", "preferred_owner": "", "notes": "",
    })
    assert response.status_code == 302
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.first_response_due == T0 + timedelta(hours=2)
    category = active_categories()[0]
    response = post_action(client, ticket, "reclassify", dimension="assurance",
                           category_id=str(category.id), severity="critical",
                           reason="Guest felt unsafe")
    assert response.status_code == 302
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.severity, ticket.dimension) == ("critical", "assurance")
    assert ticket.first_response_due == T0 + timedelta(minutes=7, seconds=30)
    actions = [e.action for e in ticket.events]
    assert actions[-2:] == ["sla_recomputed", "reclassify"]


def test_the_sweep_finds_due_tickets_through_its_index(app, people, make_ticket):
    _at(0)
    make_ticket(owner=None, opener=people["desk"])
    query = "SELECT id FROM tickets WHERE sla_next_check_at <= :now ORDER BY sla_next_check_at"
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.execute(text("EXPLAIN " + query), {"now": T0}).scalars().all()
        else:
            rows = [r[-1] for r in connection.execute(
                text("EXPLAIN QUERY PLAN " + query), {"now": T0})]
    assert any("ix_tickets_sla_next_check" in row for row in rows), rows


@pytest.mark.postgres_only
def test_two_sweeper_processes_take_each_step_once(app, database_url, people, make_ticket):
    past = datetime.now(UTC) - timedelta(days=2)
    clock.set_now(past)
    tickets = [make_ticket(owner=None, opener=people["desk"], severity="high")
               for _ in range(40)]
    clock.set_now(None)
    env = {**os.environ, "DATABASE_URL": database_url, "SCHEDULER_ENABLED": "0"}
    command = [sys.executable, "-m", "flask", "--app", "app", "sla", "sweep"]
    sweepers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in sweepers]
    assert all(process.returncode == 0 for process in sweepers), outputs
    db.session.expire_all()
    for ticket in tickets:
        events = _sla_events(ticket)
        assert len(events) == len(set(events)), events
        assert ("sla_level_1", "first_response") in events
        assert ("sla_level_2", "first_response") in events
    level2 = select(func.count(Notification.id)).where(
        Notification.recipient_id == people["manager"].id, Notification.kind == "sla_level_2"
    )
    assert db.session.scalar(level2) == sum(
        1 for t in tickets for _s, c in _sla_events(t) if _s == "sla_level_2"
    )


def test_a_safety_ticket_is_critical_and_alerts_managers_at_once(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=people["desk"], severity="low", is_safety=True)
    assert ticket.severity == "critical"
    for person in (people["manager"], people["super"]):
        row = db.session.scalars(
            select(Notification).where(Notification.recipient_id == person.id)
        ).one()
        assert (row.kind, row.critical, row.deliver_after) == ("safety", True, T0)


def test_a_sweep_step_is_one_change_of_the_ticket(app, people, make_ticket):
    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="high")
    seen = ticket.version
    sweep(_at(23))
    assert db.session.get(Ticket, ticket.id).version == seen + 1
    sweep(_at(31))
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.version, ticket.escalation_level) == (seen + 2, 1)
    assert ticket.version == len(ticket.events)


def test_a_pass_that_finds_due_times_moved_records_one_event(app, people, make_ticket):
    """A policy edited under an open ticket: the sweep's refresh is an audited change."""
    from dataclasses import replace

    from sla.store import policy_for, save_policy

    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="high")
    later_warning = replace(policy_for(people["site"]), warning_percent=90)
    save_policy(people["site"], later_warning, people["manager"], _at(1))
    db.session.commit()
    seen = (ticket.version, len(ticket.events))
    report = sweep(_at(23))
    db.session.commit()
    ticket = db.session.get(Ticket, ticket.id)
    assert report.steps == {}
    last = ticket.events[-1]
    assert (last.action, last.changes["sla_next_check_at"][1]) == (
        "sla_recomputed", (T0 + timedelta(minutes=27)).isoformat())
    assert (ticket.version, len(ticket.events)) == (seen[0] + 1, seen[1] + 1)
    assert ticket.sla_next_check_at == T0 + timedelta(minutes=27)
