"""Rules the registry makes explicit, seen through the API and the domain: who signs off a
decline, where a step may land, and that a multi-step service leaves nothing behind when a
later step fails."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from followups.models import FollowUpAttempt
from tests.conftest import FIX_FIELDS, RESOLUTION_FIELDS
from tickets import registry
from tickets.actions import perform
from tickets.effects import Outcome
from tickets.models import Ticket, TicketEvent
from tickets.workflow import Action

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def asked_of(app, make_user, make_ticket):
    """A front-desk decline waiting for the sign-off of the supervisor it names."""
    clock.set_now(T0)
    ticket = make_ticket()
    named = make_user("supervisor", site=ticket.site)
    perform(ticket, "decline", ticket.owner, {
        "reason": "We cannot rebuild the pool this week",
        "alternative_offered": "A day pass to the partner spa",
        "signed_off_by": named.username,
    }, version=None, now=T0)
    db.session.commit()
    return ticket, named


def _approve(client, bearer, ticket, user):
    return client.post(f"/api/v1/tickets/{ticket.ref}/approve", headers=bearer(user),
                       json={"version": db.session.get(Ticket, ticket.id).version})


def test_only_the_named_supervisor_or_a_manager_signs_off_a_decline(
        client, bearer, asked_of, make_user):
    ticket, named = asked_of
    other = make_user("supervisor", site=ticket.site)
    refused = _approve(client, bearer, ticket, other)
    assert refused.status_code == 403
    assert "asked to sign off this decline, or a manager" in refused.get_json()["error"][
        "message"]
    assert db.session.get(Ticket, ticket.id).status == "awaiting_approval"
    assert _approve(client, bearer, ticket, named).status_code == 200
    assert db.session.get(Ticket, ticket.id).status == "declined"


def test_a_manager_may_sign_off_a_decline_asked_of_someone_else(
        client, bearer, asked_of, make_user):
    ticket, _named = asked_of
    manager = make_user("manager", site=ticket.site)
    assert _approve(client, bearer, ticket, manager).status_code == 200
    assert db.session.get(Ticket, ticket.id).status == "declined"


def test_an_effect_that_moves_the_status_itself_is_refused(app, make_ticket, monkeypatch):
    clock.set_now(T0)
    ticket = make_ticket()
    entry = registry.REGISTRY[Action.ESCALATE]

    def rogue(ticket, actor, data, now):
        ticket.status = "closed"
        return Outcome(data["reason"])

    monkeypatch.setitem(registry.REGISTRY, Action.ESCALATE,
                        registry.Entry(**{**entry.__dict__, "effect": rogue}))
    from auth.models import User

    lead = db.session.scalar(select(User).where(User.id == ticket.owner_id))
    lead.role = "supervisor"
    with pytest.raises(RuntimeError, match="must not set the status"):
        perform(ticket, "escalate", lead, {"reason": "test"}, version=None, now=T0)
    db.session.rollback()
    assert db.session.get(Ticket, ticket.id).status == "owned"


def test_a_failure_late_in_a_follow_up_leaves_nothing_behind(
        client, bearer, make_ticket, monkeypatch):
    """Recording an answer is several steps (the attempt, the reopen, the notices): when the
    last one fails, the request answers 500 and none of the earlier ones is kept."""
    clock.set_now(T0)
    ticket = make_ticket()
    owner = ticket.owner
    perform(ticket, "offer_fix", owner, {**FIX_FIELDS, "committed_by": T0 + timedelta(hours=2)},
            version=None, now=T0)
    perform(ticket, "resolve", owner, RESOLUTION_FIELDS, version=None, now=T0)
    db.session.commit()
    ticket_id, ref, version, events = ticket.id, ticket.ref, ticket.version, len(ticket.events)
    headers = bearer(owner)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the notice could not be written")

    monkeypatch.setattr("followups.services._notify_reopened", broken)
    response = client.post(f"/api/v1/tickets/{ref}/follow-ups", headers=headers, json={
        "kind": "survey", "reached": True, "csat": 1, "recovered": False})
    assert response.status_code == 500
    db.session.remove()
    again = db.session.get(Ticket, ticket_id)
    assert (again.status, again.version) == ("resolved", version)
    assert db.session.scalar(select(func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket_id)) == events
    assert db.session.scalar(select(func.count(FollowUpAttempt.id))) == 0
