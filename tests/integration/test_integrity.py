"""`flask check-integrity`, the oracle of the other tests: clean after a realistic mix, and
each invariant broken one way (direct SQL) is reported as exactly that finding, exit 1."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, update

from core import clock
from extensions import db
from jobs.sweep import sweep
from maintenance.integrity import check_integrity
from notifications.models import Notification
from outbox.models import OutboxMessage
from outbox.sender import send_due
from tickets.actions import perform
from tickets.models import Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
EVENTS = TicketEvent.__table__
TICKETS = Ticket.__table__
NOTIFICATIONS = Notification.__table__
OUTBOX = OutboxMessage.__table__
FIX = {"action": "Move the guest to a quiet room tonight", "remedy_type": "upgrade"}
DECLINE = {"reason": "We cannot rebuild the pool this week",
           "alternative_offered": "A day pass to the partner spa"}


def _at(minutes: float) -> datetime:
    moment = T0 + timedelta(minutes=minutes)
    clock.set_now(moment)
    return moment


def _check(runner) -> tuple[int, list[str]]:
    """Exit code and the finding lines (each starts with the reference it names)."""
    result = runner.invoke(args=["check-integrity"])
    lines = [line for line in result.stdout.splitlines() if not line.startswith("Integrity")]
    return result.exit_code, lines


def _offer(ticket, compensation: str, minutes: float):
    fix = {**FIX, "compensation": compensation, "committed_by": _at(minutes) + timedelta(hours=2)}
    perform(ticket, "offer_fix", ticket.owner, fix, version=None, now=_at(minutes))


def _open_tickets(people, make_ticket) -> dict[str, Ticket]:
    desk, lead = people["desk"], people["super"]
    tickets = {
        "new": make_ticket(owner=None, opener=desk, severity="high"),
        "owned": make_ticket(owner=desk),
        "offered": make_ticket(owner=desk),
        "approval": make_ticket(owner=desk),
        "signoff": make_ticket(owner=desk),
        "declined": make_ticket(owner=lead),
    }
    _offer(tickets["offered"], "0", 1)
    _offer(tickets["approval"], "500", 2)
    perform(tickets["signoff"], "decline", desk, {**DECLINE, "signed_off_by": lead.username},
            version=None, now=_at(3))
    perform(tickets["declined"], "decline", lead, DECLINE, version=None, now=_at(4))
    db.session.commit()
    return tickets


@pytest.fixture
def people(make_user, make_site):
    site = make_site(name="Integrity Hotel")
    roles = {"desk": "front_desk", "super": "supervisor", "manager": "manager"}
    found = {name: make_user(role, site=site, email=f"{name}@integrity.example")
             for name, role in roles.items()}
    return {**found, "site": site}


@pytest.fixture
def world(app, runner, people, make_ticket, resolve_ticket):
    """A ticket in every state, sweeps that climbed ladders (several steps in one pass
    too), notifications and mail sent; the checker finds nothing."""
    _at(0)
    tickets = _open_tickets(people, make_ticket)
    _at(5)
    tickets["resolved"] = resolve_ticket(make_ticket(owner=people["desk"]))
    tickets["closed"] = resolve_ticket(make_ticket(owner=people["desk"]))
    perform(tickets["closed"], "close", people["super"], {}, version=None, now=_at(6))
    db.session.commit()
    for minutes in (23, 40, 50, 300):
        sweep(_at(minutes))
        db.session.commit()
        send_due(_at(minutes))
    assert _check(runner) == (0, [])
    return {name: db.session.get(Ticket, ticket.id) for name, ticket in tickets.items()}


def _first_event(ticket: Ticket, action: str, clock_name: str | None = None) -> TicketEvent:
    events = [e for e in ticket.events if e.action == action
              and (clock_name is None or e.changes.get("clock", [None, None])[1] == clock_name)]
    return events[0]


def _copy_notification(ticket: Ticket, kind: str, later: timedelta) -> None:
    row = db.session.scalars(select(Notification).where(
        Notification.ticket_id == ticket.id, Notification.kind == kind)).first()
    db.session.execute(insert(NOTIFICATIONS).values(
        recipient_id=row.recipient_id, ticket_id=row.ticket_id, kind=row.kind,
        message=row.message, critical=row.critical, created_at=row.created_at + later,
        deliver_after=row.deliver_after))


def _set_ticket(ticket: Ticket, **values) -> None:
    db.session.execute(update(TICKETS).where(TICKETS.c.id == ticket.id).values(**values))


def _set_event(entry: TicketEvent, **values) -> None:
    db.session.execute(update(EVENTS).where(EVENTS.c.id == entry.id).values(**values))


def _status_pair_rewritten(world):
    ticket = world["offered"]
    entry = _first_event(ticket, "offer_fix")
    _set_event(entry, changes={**entry.changes, "status": ["owned", "resolved"]})
    return ticket, "replay", "status ends at 'resolved'"


def _escalation_twice(world):
    ticket = world["new"]
    entry = _first_event(ticket, "sla_level_1", "fix_offered")
    _set_event(entry, changes={**entry.changes, "clock": [None, "first_response"]})
    return ticket, "escalation", "sla_level_1 of the first_response clock taken twice"


def _outbox_row_of(ticket: Ticket) -> int:
    stmt = (select(OutboxMessage.id).join(Notification, Notification.id ==
                                         OutboxMessage.notification_id)
            .where(Notification.ticket_id == ticket.id).order_by(OutboxMessage.id))
    return db.session.scalars(stmt).first()


def _outbox(world, **values):
    ticket = world["approval"]
    row_id = _outbox_row_of(ticket)
    db.session.execute(update(OUTBOX).where(OUTBOX.c.id == row_id).values(**values))
    return ticket


def _no_acknowledgement(w):
    _set_ticket(w["owned"], acknowledgement="")
    return w["owned"], "state", "owned without acknowledgement"


def _no_root_cause(w):
    _set_ticket(w["resolved"], root_cause=None)
    return w["resolved"], "state", "resolved without root_cause"


def _no_signer(w):
    _set_ticket(w["signoff"], signoff_requested_from_id=None)
    return w["signoff"], "state", "names no signer"


def _handover_to_owner(w):
    _set_ticket(w["owned"], pending_transfer_to_id=w["owned"].owner_id)
    return w["owned"], "owner", "handover is pending to its own owner"


def _version_ahead(w):
    version = w["declined"].version + 1
    _set_ticket(w["declined"], version=version)
    return w["declined"], "version", f"version {version} but {version - 1} audit event(s)"


def _no_opened_event(w):
    _set_event(w["closed"].events[0], action="imported")
    return w["closed"], "replay", "does not start with 'opened'"


def _told_twice_at_once(w):
    _copy_notification(w["approval"], "ticket_offer_fix", timedelta(0))
    return w["approval"], "notification", "twice in one second"


def _ladder_told_twice(w):
    _copy_notification(w["new"], "sla_level_2", timedelta(minutes=1))
    return w["new"], "notification", "told sla_level_2 2 time(s) for 1 ladder step(s)"


def _due_moved(w):
    _set_ticket(w["owned"], resolution_due=w["owned"].resolution_due + timedelta(hours=1))
    return w["owned"], "due_times", "resolution_due is"


def _closed_still_checked(w):
    _set_ticket(w["closed"], sla_next_check_at=T0)
    return w["closed"], "due_times", "closed but still due an SLA check"


def _paused_for_nothing(w):
    _set_ticket(w["owned"], resolution_paused_since=T0)
    return w["owned"], "due_times", "resolution clock is paused"


def _mail_given_up(w):
    return _outbox(w, status="failed", last_error="SMTPServerDisconnected"), "outbox", \
        "gave up after"


def _sender_died(w):
    return _outbox(w, status="sending", claimed_until=T0), "outbox", \
        "still sending after its lease ended"


CORRUPTIONS = {
    "state-owned-without-acknowledgement": _no_acknowledgement,
    "state-resolved-without-root-cause": _no_root_cause,
    "state-decline-without-signer": _no_signer,
    "owner-handover-to-its-owner": _handover_to_owner,
    "version-ahead-of-events": _version_ahead,
    "replay-status-ends-elsewhere": _status_pair_rewritten,
    "replay-no-opened-event": _no_opened_event,
    "escalation-step-twice-in-a-run": _escalation_twice,
    "notification-twice-in-one-second": _told_twice_at_once,
    "notification-ladder-step-twice": _ladder_told_twice,
    "due_times-moved-by-hand": _due_moved,
    "due_times-closed-still-checked": _closed_still_checked,
    "due_times-paused-for-nothing": _paused_for_nothing,
    "outbox-given-up": _mail_given_up,
    "outbox-sender-died": _sender_died,
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_each_broken_invariant_is_exactly_one_finding(world, runner, corruption):
    ticket, check, words = CORRUPTIONS[corruption](world)
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{ticket.ref} {check}: "), lines
    assert words in lines[0], lines


def test_a_fix_offered_over_the_limit_and_never_approved(world, runner):
    ticket = world["approval"]
    _set_ticket(ticket, status="fix_offered", pending_approval_kind=None)
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1
    assert f"{ticket.ref} state: fix_offered without fix_offered_at" in lines
    assert any(line.startswith(f"{ticket.ref} state: fix offer #") and
               line.endswith("is over the limit and was never approved") for line in lines)
    assert all(line.startswith(f"{ticket.ref} ") for line in lines), lines


def test_a_ticket_with_nobody_owning_it(world, runner):
    """No owner is the owner finding; the trail, which still names the owner, says so too."""
    ticket = world["offered"]
    owner = ticket.owner.username
    _set_ticket(ticket, owner_id=None)
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1
    assert lines == [
        f"{ticket.ref} owner: fix_offered but nobody owns it",
        f"{ticket.ref} replay: the trail's owner ends at '{owner}', the ticket has None",
    ]


def test_unknown_status(world, runner):
    ticket = world["owned"]
    _set_ticket(ticket, status="lost")
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1
    assert f"{ticket.ref} state: unknown status 'lost'" in lines


def test_a_policy_edited_under_open_tickets_waits_for_recompute(world, runner, people):
    """The product keeps open tickets on their times until a supervisor recomputes."""
    from dataclasses import replace

    from sla.store import policy_for, save_policy
    from tickets.recompute import recompute_open_tickets

    site = people["site"]
    faster = replace(policy_for(site), warning_percent=50,
                     targets={d: {s: {c: max(1, m // 2) for c, m in clocks.items()}
                                  for s, clocks in by_s.items()}
                              for d, by_s in policy_for(site).targets.items()})
    save_policy(site, faster, people["manager"], _at(301))
    db.session.commit()
    assert _check(runner) == (0, [])
    recompute_open_tickets(site, people["manager"], _at(302))
    db.session.commit()
    code, lines = _check(runner)
    assert code == 0, lines


def _statements_during_check(batch: int) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        check_integrity(batch=batch)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_queries_follow_the_batches_not_the_tickets(world, make_ticket, people):
    before = _statements_during_check(batch=500)
    for _ in range(5):
        make_ticket(owner=people["desk"])
    assert _statements_during_check(batch=500) == before
    assert _statements_during_check(batch=4) > before


def test_small_batches_find_the_same(world):
    _set_ticket(world["declined"], version=99)
    _set_ticket(world["closed"], sla_next_check_at=T0)
    db.session.commit()
    lines = [f.line() for f in check_integrity(batch=500).findings]
    assert len(lines) == 2
    assert [f.line() for f in check_integrity(batch=1).findings] == lines


def test_clean_after_the_demo_a_sweep_and_mail(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    now = clock.utcnow()
    report = sweep(now)
    db.session.commit()
    assert sum(report.steps.values()) > 0
    assert send_due(now)
    result = runner.invoke(args=["check-integrity"])
    assert result.exit_code == 0, result.output
    assert "Integrity check clean: 147 ticket(s)" in result.output


def test_the_sweep_keeps_version_equal_to_events_after_downtime(app, people, make_ticket,
                                                                 runner):
    _at(0)
    ticket = make_ticket(owner=None, opener=people["desk"], severity="critical")
    report = sweep(_at(60 * 10))
    db.session.commit()
    assert report.steps["sla_level_2"] >= 2
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.version == len(ticket.events) > 5
    assert _check(runner) == (0, [])
