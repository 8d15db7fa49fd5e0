"""Which change becomes which webhook event, queued in the change's own transaction: a
rolled-back step leaves no delivery, a committed one leaves exactly one per endpoint that
subscribed to the event and covers the ticket's site."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from followups.services import record_follow_up
from jobs.sweep import sweep
from outbox.models import OutboxMessage
from tests.support.queries import recorded_statements
from tickets.actions import perform
from webhooks.events import EVENT_TYPES
from webhooks.services import EndpointInput, register_endpoint

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
URL = "https://hooks.example.com/recovery-desk"


@pytest.fixture
def world(app, make_site, make_user):
    clock.set_now(T0)
    site, other = make_site(name="Webhook Hotel"), make_site(name="Other Hotel")
    return {"site": site, "other": other,
            "desk": make_user("front_desk", site=site),
            "super": make_user("supervisor", site=site),
            "manager": make_user("manager", site=site)}


def _endpoint(events=EVENT_TYPES, site=None, url=URL):
    endpoint, _secret = register_endpoint(
        EndpointInput(url=url, events=list(events), site_id=site.id if site else None),
        None, clock.utcnow())
    db.session.commit()
    return endpoint


def _events(endpoint=None) -> list[tuple[str, dict]]:
    """(type, data) of every committed delivery (to `endpoint`), oldest first."""
    db.session.rollback()
    stmt = select(OutboxMessage).where(OutboxMessage.channel == "webhook")
    if endpoint is not None:
        stmt = stmt.where(OutboxMessage.webhook_endpoint_id == endpoint.id)
    rows = db.session.scalars(stmt.order_by(OutboxMessage.id)).all()
    found = []
    for row in rows:
        body = json.loads(row.body_text)
        assert (row.kind, row.subject, row.to_address) == (body["type"], body["type"], URL)
        assert row.ticket_id is not None and row.status == "pending"
        found.append((body["type"], body["data"]))
    return found


def _types(endpoint=None) -> list[str]:
    return [event for event, _data in _events(endpoint)]


def _fix(amount="0") -> dict:
    return {"action": "Move the guest to a quiet room on floor 12", "remedy_type": "upgrade",
            "compensation": amount, "committed_by": T0 + timedelta(hours=2)}


RESOLUTION = {"outcome": "Moved to 1203; guest thanked us", "customer_response": "accepted",
              "root_cause": "process", "root_cause_note": "Noisy rooms were not flagged",
              "fault": "us"}


def test_a_rolled_back_step_leaves_no_delivery_and_a_committed_one_does(world, make_ticket):
    ticket = make_ticket(owner=world["desk"], site=world["site"])
    endpoint = _endpoint(events=["ticket.escalated"])
    perform(ticket, "escalate", world["super"], {"reason": "VIP guest"}, version=None, now=T0)
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "webhook")).all()  # queued, flushed, not committed
    db.session.rollback()
    assert _events() == []
    perform(ticket, "escalate", world["super"], {"reason": "VIP guest"}, version=None, now=T0)
    db.session.commit()
    [(event, data)] = _events(endpoint)
    assert event == "ticket.escalated"
    assert data["escalation"] == {"level": 1, "by": "person", "clock": None,
                                  "reason": "VIP guest"}
    assert (data["actor"], data["ticket"]["ref"]) == (world["super"].username, ticket.ref)


def test_only_subscribed_active_endpoints_of_the_site_get_a_delivery(world, make_ticket):
    everywhere = _endpoint(events=["ticket.created"])
    here = _endpoint(events=["ticket.created"], site=world["site"])
    elsewhere = _endpoint(events=["ticket.created"], site=world["other"])
    unsubscribed = _endpoint(events=["ticket.resolved"])
    ticket = make_ticket(owner=None, opener=world["desk"], site=world["site"])
    assert _types(everywhere) == _types(here) == ["ticket.created"]
    assert _types(elsewhere) == _types(unsubscribed) == []
    ids = {json.loads(row.body_text)["id"] for row in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "webhook"))}
    assert len(ids) == 2, "each delivery has its own id"
    [(_event, data)] = _events(here)
    assert data["ticket"]["ref"] == ticket.ref and data["ticket"]["status"] == "new"
    assert data["ticket"]["customer"]["name"].startswith("Guest ")


def test_the_life_of_a_ticket_as_events(world, make_ticket, resolve_ticket):
    endpoint = _endpoint()
    ticket = make_ticket(owner=world["desk"], site=world["site"])
    assert _types(endpoint) == ["ticket.created", "ticket.owned"]
    perform(ticket, "offer_fix", world["desk"], _fix("5000.00"), version=None, now=T0)
    db.session.commit()
    assert _types(endpoint)[-1] == "ticket.owned", "an offer waiting for approval is not offered"
    perform(ticket, "approve", world["manager"], {}, version=None, now=T0)
    db.session.commit()
    event, data = _events(endpoint)[-1]
    assert event == "ticket.fix_offered"
    assert (data["actor"], data["fix_offer"]["compensation"]) == (
        world["manager"].username, "5000.00")
    perform(ticket, "resolve", world["desk"], RESOLUTION, version=None, now=T0)
    perform(ticket, "reopen", world["super"], {"reason": "The guest called back"},
            version=None, now=T0)
    db.session.commit()
    assert _types(endpoint)[-2:] == ["ticket.resolved", "ticket.reopened"]
    assert _events(endpoint)[-1][1]["reason"] == "The guest called back"


def test_a_fix_within_the_limit_is_offered_at_once(world, make_ticket):
    endpoint = _endpoint(events=["ticket.fix_offered"])
    ticket = make_ticket(owner=world["desk"], site=world["site"])
    perform(ticket, "offer_fix", world["desk"], _fix("50.00"), version=None, now=T0)
    db.session.commit()
    [(event, data)] = _events(endpoint)
    assert (event, data["ticket"]["status"]) == ("ticket.fix_offered", "fix_offered")
    assert data["fix_offer"]["action"] == "Move the guest to a quiet room on floor 12"


def test_handovers_are_owned_once_the_receiver_owns_the_ticket(world, make_ticket, make_user):
    endpoint = _endpoint(events=["ticket.owned"])
    colleague = make_user("front_desk", site=world["site"])
    fresh = make_ticket(owner=None, opener=world["desk"], site=world["site"])
    perform(fresh, "reassign", world["super"], {"to": colleague.username, "reason": "Shift"},
            version=None, now=T0)
    db.session.commit()
    assert _types(endpoint) == [], "routed to someone who has not taken it yet"
    ownership = {"acknowledgement": "Apologised and explained the next step",
                 "next_contact_by": T0 + timedelta(hours=1)}
    perform(fresh, "own", colleague, ownership, version=None, now=T0)
    perform(fresh, "transfer", colleague, {"to": world["desk"].username,
                                           "handover_note": "Going off shift now"},
            version=None, now=T0)
    db.session.commit()
    assert _types(endpoint) == ["ticket.owned"], "a transfer asked for is no new owner yet"
    perform(fresh, "accept_transfer", world["desk"], {}, version=None, now=T0)
    db.session.commit()
    owners = [(data["ticket"]["owner"], data["actor"]) for _event, data in _events(endpoint)]
    assert owners == [(colleague.username, colleague.username),
                      (world["desk"].username, world["desk"].username)]


def test_an_answered_follow_up_and_the_reopening_it_causes(world, make_ticket, resolve_ticket):
    endpoint = _endpoint(events=["follow_up.answered", "ticket.reopened"])
    ticket = resolve_ticket(make_ticket(owner=world["desk"], site=world["site"]))
    record_follow_up(ticket, world["desk"], {"kind": "check_in", "reached": False},
                     version=None, now=T0)
    db.session.commit()
    assert _types(endpoint) == [], "an attempt that reached nobody is no answer"
    record_follow_up(ticket, None, {"kind": "survey", "reached": True, "csat": 1,
                                    "recovered": False}, version=None, now=T0)
    db.session.commit()
    (answered, data), (reopened, _data) = _events(endpoint)
    assert (answered, reopened) == ("follow_up.answered", "ticket.reopened")
    assert data["actor"] is None and data["follow_up"]["kind"] == "survey"
    assert data["follow_up"]["attempts"][-1]["csat"] == 1


def test_the_sla_ladder_names_its_clock(world, make_ticket):
    endpoint = _endpoint(events=["sla.at_risk", "sla.breached", "ticket.escalated"])
    ticket = make_ticket(owner=None, opener=world["desk"], site=world["site"],
                         severity="high")
    for minutes in (23, 31, 46):
        clock.set_now(T0 + timedelta(minutes=minutes))
        sweep(clock.utcnow())
    db.session.commit()
    events = _events(endpoint)
    assert [event for event, _data in events] == [
        "sla.at_risk", "sla.breached", "ticket.escalated", "ticket.escalated"]
    assert {data["clock"]["name"] for event, data in events if event.startswith("sla.")} == {
        "first_response"}
    at_risk, breached = events[0][1]["clock"], events[1][1]["clock"]
    assert at_risk["due"] == breached["due"] == ticket.first_response_due.isoformat()
    assert (at_risk["state"], breached["state"]) == ("at_risk", "breached")
    assert [data["escalation"] for _event, data in events[2:]] == [
        {"level": 1, "by": "sla", "clock": "first_response", "reason": None},
        {"level": 2, "by": "sla", "clock": "first_response", "reason": None}]


def _endpoint_queries_during(action) -> tuple[int, int]:
    """(queries of the endpoints, queries of the ticket's events) while `action` runs."""
    with recorded_statements() as statements:
        action()
    return (len([s for s in statements if "FROM webhook_endpoints" in s]),
            len([s for s in statements if "FROM ticket_events" in s]))


def test_a_ladder_sweep_reads_no_endpoint_the_process_already_keeps(world, make_ticket):
    endpoints = [_endpoint() for _number in range(3)]
    ticket = make_ticket(owner=None, opener=world["desk"], site=world["site"],
                         severity="high")
    clock.set_now(T0 + timedelta(minutes=46))
    queried = _endpoint_queries_during(lambda: sweep(clock.utcnow()))
    db.session.commit()
    assert queried == (0, 1), ("levels 1 and 2: the endpoints as kept since the ticket was "
                               "opened (core.stamped), one read of the clocks")
    for endpoint in endpoints:
        assert _types(endpoint) == ["ticket.created", "sla.breached", "ticket.escalated",
                                    "ticket.escalated"], "levels 1 and 2 in one sweep"
    assert ticket.escalation_level == 2


def test_no_endpoint_for_the_site_costs_no_query_and_queues_nothing(world, make_ticket):
    _endpoint(site=world["other"])
    make_ticket(owner=None, opener=world["desk"], site=world["site"], severity="high")
    clock.set_now(T0 + timedelta(minutes=46))
    endpoint_queries, ladder_reads = _endpoint_queries_during(lambda: sweep(clock.utcnow()))
    db.session.commit()
    assert (endpoint_queries, ladder_reads) == (0, 0), "nor are the steps' clocks read back"
    assert _events() == []


def test_a_step_that_is_no_event_reads_no_endpoint(world, make_ticket):
    endpoint = _endpoint()
    ticket = make_ticket(owner=world["desk"], site=world["site"])
    queried = _endpoint_queries_during(lambda: perform(
        ticket, "offer_fix", world["desk"], _fix("5000.00"), version=None, now=T0))
    db.session.commit()
    assert queried[0] == 0, "an offer waiting for approval is no event"
    assert _types(endpoint) == ["ticket.created", "ticket.owned"]
