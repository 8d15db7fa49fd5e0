"""`flask seed-demo`: a lived-in demo site built through the real workflow, loaded once."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from customers.models import Customer
from demo.seed import DEMO_LOGINS
from extensions import db
from tickets.models import Ticket, TicketEvent
from tickets.workflow import Status


def _seed(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def _tickets() -> list[Ticket]:
    return db.session.scalars(select(Ticket)).all()


def _ticket_count() -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def test_seed_demo_prints_summary_and_logins_once(runner):
    first = _seed(runner)
    assert "Demo data loaded: 1 site, 4 users, 27 customers, 147 tickets." in first.output
    for username, role, _name in DEMO_LOGINS:
        assert username in first.output and role in first.output
    tickets_after_first = _ticket_count()
    second = _seed(runner)
    assert "already present" in second.output
    assert _ticket_count() == tickets_after_first
    assert db.session.scalar(select(func.count(Customer.id))) == 27


def test_seed_demo_covers_every_status_over_eight_weeks(runner):
    _seed(runner)
    tickets = _tickets()
    statuses = Counter(ticket.status for ticket in tickets)
    assert all(statuses[str(status)] >= 1 for status in Status), statuses
    kinds = {t.pending_approval_kind for t in tickets if t.status == Status.AWAITING_APPROVAL}
    assert kinds == {"fix", "decline"}
    now = clock.utcnow()
    assert min(ticket.created_at for ticket in tickets) <= now - timedelta(days=49)
    per_customer = Counter(ticket.customer_id for ticket in tickets)
    assert max(per_customer.values()) >= 2


def test_seed_demo_walks_the_follow_up_loop(runner):
    from followups.models import FollowUp, FollowUpAttempt

    _seed(runner)
    outcomes = Counter(
        (kind, outcome)
        for kind, outcome in db.session.execute(select(FollowUp.kind, FollowUp.outcome))
    )
    assert outcomes[("survey", "completed")] >= 50
    assert outcomes[("survey", "unreachable")] >= 1
    assert outcomes[("survey", None)] >= 1, "open surveys wait for the recent tickets"
    attempts = db.session.scalars(select(FollowUpAttempt)).all()
    assert any(a.by_customer for a in attempts)
    assert any(a.csat is not None and a.csat <= 2 for a in attempts)
    reopened = db.session.scalars(select(Ticket).where(Ticket.reopened_count > 0)).all()
    assert any(any(e.action == "follow_up" for e in t.events) for t in reopened)
    now = clock.utcnow()
    weeks = {(now - t.created_at).days // 7 for t in _tickets()}
    assert set(range(8)) <= weeks


def test_seed_demo_audit_trails_start_opened_and_run_forward(runner):
    _seed(runner)
    now = clock.utcnow()
    for ticket in _tickets():
        events = db.session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        ).all()
        assert events[0].action == "opened", ticket.ref
        times = [event.created_at for event in events]
        assert times == sorted(times), ticket.ref
        assert times[0] == ticket.created_at and times[-1] < now


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 10, 1, 13, 0, tzinfo=UTC),  # National Day evening: closed all day
        datetime(2027, 3, 1, 23, 30, tzinfo=UTC),  # Tuesday 07:30 in Shanghai, before opening
    ],
)
def test_seed_demo_works_at_awkward_moments(runner, moment):
    clock.set_now(moment)
    _seed(runner)
    tickets = _tickets()
    assert {ticket.status for ticket in tickets} == {str(status) for status in Status}
    new = [ticket for ticket in tickets if ticket.status == Status.NEW]
    # aged by business time: over a closed day, the waiting ones came in the day before
    assert len(new) >= 2 and all(moment - t.created_at < timedelta(days=2) for t in new)
    latest = db.session.scalar(select(func.max(TicketEvent.created_at)))
    assert latest < moment


def test_seed_demo_has_the_customers_own_complaints(runner):
    from correspondence.models import CustomerMessage

    _seed(runner)
    own = [t for t in _tickets() if t.opened_by_id is None]
    assert {t.channel for t in own} == {"web", "email"}
    waiting = [t for t in own if t.status == Status.NEW]
    assert waiting and all(not t.is_classified for t in waiting)
    assert all(t.is_classified for t in own if t.status != Status.NEW)
    assert any(t.customer_replied_at is not None for t in own)
    kinds = {(m.direction, m.kind) for m in db.session.scalars(select(CustomerMessage))}
    assert {("in", "customer"), ("out", "reply"), ("out", "acknowledgement")} <= kinds


def _with_test_password(user):
    """The suite's sign-in fixture types its own password, not the demo's."""
    user.set_password("correct horse")
    db.session.commit()
    return user


def test_demo_people_are_named_once_their_role_is_shown_beside_it(runner, client, login):
    from auth.models import User
    from core.vocabulary import ROLE_LABELS

    _seed(runner)
    users = db.session.scalars(select(User)).all()
    assert sorted(u.display_name for u in users) == sorted(n for _u, _r, n in DEMO_LOGINS)
    for user in users:
        assert not any(str(label).lower() in user.display_name.lower()
                       for label in ROLE_LABELS.values())
    manager = next(u for u in users if u.role == "manager")
    login(user=_with_test_password(manager))
    home = client.get("/").get_data(as_text=True)
    assert home.count(f"{manager.display_name} (") <= 1
    assert "(Manager) (Manager)" not in home and "(manager)" not in home


def test_the_ticket_page_does_not_show_the_version_to_staff(runner, client, login):
    from auth.models import User

    _seed(runner)
    login(user=_with_test_password(
        db.session.scalars(select(User).where(User.username == "desk")).one()))
    ticket = db.session.scalars(select(Ticket)).first()
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    assert f"Version {ticket.version}" not in page
    assert 'name="version"' in page or "-version" in page  # still sent with each step
