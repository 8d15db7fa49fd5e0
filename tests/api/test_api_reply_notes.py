"""`POST /api/v1/tickets/<ref>/reply` and `/notes`: the same registry steps as the ticket
page, with the API's status codes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from correspondence.models import CustomerMessage
from customers.services import CustomerInput
from extensions import db
from outbox.models import OutboxMessage
from tickets.models import Ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
REPLY = "The engineer fixed the heater; please tell us if the room is warm now."


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)


@pytest.fixture
def ticket(make_ticket, make_user):
    owner = make_user("front_desk")
    return make_ticket(owner=owner, customer=CustomerInput(
        name="Ann Lee", phone="13800005555", email="ann@example.net", locale="en"))


def _post(client, headers, ticket, verb, **body):
    if "version" not in body:
        body["version"] = db.session.get(Ticket, ticket.id).version
    return client.post(f"/api/v1/tickets/{ticket.ref}/{verb}", json=body, headers=headers)


def _customer_mails() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "customer_reply"))


def test_a_reply_is_200_with_its_event_and_a_mail_to_the_customer(client, bearer, ticket):
    version = ticket.version
    promise = NOW + timedelta(hours=6)
    response = _post(client, bearer(ticket.owner), ticket, "reply", body=REPLY,
                     next_contact_by=promise.isoformat())
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version"] == version + 1
    event = body["events"][-1]
    assert event["action"] == "reply" and event["note"] == REPLY
    assert body["next_contact_by"] == promise.isoformat()
    assert body["sla"]["next_contact"]["due"] == promise.isoformat()
    assert _customer_mails() == 1
    message = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.kind == "reply")).one()
    assert REPLY in message.body and message.author_id == ticket.owner_id


def test_a_supervisor_of_the_site_may_reply_too(client, bearer, ticket, make_user):
    lead = make_user("supervisor", site=ticket.site)
    assert _post(client, bearer(lead), ticket, "reply", body=REPLY).status_code == 200


def test_a_note_is_200_and_never_reaches_the_customer(client, bearer, ticket, make_user):
    colleague = make_user("front_desk", site=ticket.site)
    response = _post(client, bearer(colleague), ticket, "notes", body="Guest prefers calls")
    assert response.status_code == 200, response.get_json()
    event = response.get_json()["events"][-1]
    assert (event["action"], event["note"]) == ("add_note", "Guest prefers calls")
    assert db.session.scalar(select(func.count()).select_from(CustomerMessage).where(
        CustomerMessage.body.contains("Guest prefers calls"))) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.body_text.contains("Guest prefers calls"))) == 0


@pytest.mark.parametrize("verb", ["reply", "notes"])
def test_a_stale_version_is_409_and_nothing_is_written(client, bearer, ticket, verb):
    version = ticket.version
    response = _post(client, bearer(ticket.owner), ticket, verb, body=REPLY,
                     version=version - 1)
    assert response.status_code == 409
    assert db.session.get(Ticket, ticket.id).version == version
    assert _customer_mails() == 0


@pytest.mark.parametrize("verb", ["reply", "notes"])
@pytest.mark.parametrize("text,status", [("", 422), ("   ", 422), (None, 422), (12, 400),
                                         ("x" * 5001, 422)])
def test_an_empty_or_bad_body_is_refused_naming_it(client, bearer, ticket, verb, text, status):
    response = _post(client, bearer(ticket.owner), ticket, verb, body=text)
    assert response.status_code == status, response.get_json()
    assert "body" in response.get_json()["error"]["fields"]
    assert _customer_mails() == 0


@pytest.mark.parametrize("verb", ["reply", "notes"])
def test_a_nul_byte_is_refused_before_the_step(client, bearer, ticket, verb):
    response = _post(client, bearer(ticket.owner), ticket, verb, body="bad\x00byte")
    assert response.status_code == 400
    assert "'body'" in response.get_json()["error"]["message"]
    assert db.session.get(Ticket, ticket.id).version == ticket.version


def test_a_missing_version_is_422(client, bearer, ticket):
    response = client.post(f"/api/v1/tickets/{ticket.ref}/reply", json={"body": REPLY},
                           headers=bearer(ticket.owner))
    assert response.status_code == 422
    assert "version" in response.get_json()["error"]["fields"]


def test_a_promise_in_the_past_is_422_on_its_field(client, bearer, ticket):
    response = _post(client, bearer(ticket.owner), ticket, "reply", body=REPLY,
                     next_contact_by=(NOW - timedelta(hours=1)).isoformat())
    assert response.status_code == 422
    assert "next_contact_by" in response.get_json()["error"]["fields"]


def test_who_may_not_reply_is_refused_403(client, bearer, ticket, make_user, make_site):
    colleague = make_user("front_desk", site=ticket.site)
    refused = _post(client, bearer(colleague), ticket, "reply", body=REPLY)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert "Only the owner or a supervisor" in refused.get_json()["error"]["message"]
    stranger = make_user("supervisor", site=make_site(name="Elsewhere"))
    assert _post(client, bearer(stranger), ticket, "reply", body=REPLY).status_code == 404
    assert _post(client, bearer(stranger), ticket, "notes", body="x").status_code == 404
    assert _customer_mails() == 0


def test_a_new_ticket_takes_notes_but_no_reply_until_owned(client, bearer, make_ticket,
                                                          make_user):
    desk = make_user("front_desk")
    unowned = make_ticket(owner=None, opener=desk)
    headers = bearer(desk)
    refused = _post(client, headers, unowned, "reply", body=REPLY)
    assert refused.status_code == 409
    assert "new cannot be given a reply" in refused.get_json()["error"]["message"]
    assert _post(client, headers, unowned, "notes", body="Called twice, no answer"
                 ).status_code == 200
