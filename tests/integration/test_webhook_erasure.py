"""Webhook deliveries hold the customer's name and words: erasing the customer scrubs every
delivery of their tickets and cancels those not sent yet; deactivating an endpoint cancels
its waiting deliveries. The integrity checker accepts both cancellations."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core import clock
from customers.services import CustomerInput
from extensions import db
from maintenance.integrity import check_integrity
from outbox.models import OutboxMessage
from outbox.sender import send_due
from privacy.erasure import erase_customer
from privacy.models import PrivacyLogEntry
from privacy.redaction import CANCELLED
from privacy.scrub import REDACTED, placeholder_name
from tests.support.webhook_receiver import WebhookReceiver
from tickets.actions import perform
from webhooks import services
from webhooks.models import WebhookEndpoint
from webhooks.services import EndpointInput, register_endpoint

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NAME = "赵明辉 Zhao"
DESCRIPTION = "The room 1208 smelled of smoke and my daughter has asthma; we had to move"


@pytest.fixture
def app_config():
    return {"WEBHOOKS_ALLOW_HTTP": True}


def _deliveries() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "webhook").order_by(OutboxMessage.id)))


def test_erasure_scrubs_every_delivery_and_cancels_the_waiting_ones(app, make_ticket,
                                                                   make_user):
    clock.set_now(T0)
    with WebhookReceiver() as receiver:
        register_endpoint(EndpointInput(url=receiver.url,
                                        events=["ticket.created", "ticket.escalated"]),
                          None, T0)
        db.session.commit()
        ticket = make_ticket(customer=CustomerInput(name=NAME, phone="13912345678"),
                             description=DESCRIPTION)
        assert send_due(T0) == {"sent": 1}
    perform(ticket, "escalate", make_user("supervisor", site=ticket.site),
            {"reason": f"{NAME} asked for the manager"}, version=None, now=T0)
    db.session.commit()
    sent, waiting = _deliveries()
    assert NAME in sent.body_text and DESCRIPTION in sent.body_text
    ids = [json.loads(row.body_text)["id"] for row in (sent, waiting)]
    erase_customer(ticket.customer, None, T0)
    db.session.commit()
    sent, waiting = _deliveries()
    assert (sent.status, waiting.status, waiting.last_error) == ("sent", "failed", CANCELLED)
    for row, delivery_id in zip((sent, waiting), ids, strict=True):
        assert "赵明辉" not in row.body_text and "Zhao" not in row.body_text
        assert "smoke" not in row.body_text
        body = json.loads(row.body_text)
        assert body["id"] == delivery_id
        assert body["data"]["ticket"]["customer"]["name"] == placeholder_name(
            ticket.customer_id)
        assert body["data"]["ticket"]["description"] == REDACTED
    assert json.loads(waiting.body_text)["data"]["escalation"]["reason"] == (
        f"{placeholder_name(ticket.customer_id)} asked for the manager")
    entry = db.session.scalars(select(PrivacyLogEntry)).one()
    assert (entry.details["webhooks_withdrawn"], entry.details["webhooks_redacted"]) == (1, 2)
    assert send_due(T0) == {}
    assert check_integrity(T0).findings == []


def test_deactivating_an_endpoint_cancels_its_waiting_deliveries(app, make_ticket):
    clock.set_now(T0)
    kept, _secret = register_endpoint(EndpointInput(url="http://127.0.0.1:9/kept",
                                                    events=["ticket.created"]), None, T0)
    gone, _secret = register_endpoint(EndpointInput(url="http://127.0.0.1:9/gone",
                                                    events=["ticket.created"]), None, T0)
    db.session.commit()
    make_ticket()
    assert services.deactivate_endpoint(db.session.get(WebhookEndpoint, gone.id), T0) == 1
    db.session.commit()
    statuses = {row.webhook_endpoint_id: (row.status, row.last_error) for row in _deliveries()}
    assert statuses == {kept.id: ("pending", None), gone.id: ("failed", services.CANCELLED)}
    make_ticket()
    assert [row.webhook_endpoint_id for row in _deliveries()].count(gone.id) == 1
    assert check_integrity(T0).findings == []
