"""Webhook deliveries leave only through the outbox sender: signed over the raw body,
retried with the outbox's backoff, recorded (attempts, last status, last error), never
redirected, and none lost when the sender is killed mid-POST. A receiver on 127.0.0.1
stands in for the integrator's system."""

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from outbox import transports
from outbox.models import OutboxMessage
from outbox.queue import enqueue
from outbox.sender import LEASE, send_due
from tests.support.servers import free_port
from tests.support.webhook_receiver import WebhookReceiver
from webhooks.models import WebhookEndpoint
from webhooks.services import EndpointInput, register_endpoint, rotate_secret
from webhooks.signing import signature, verify

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WAIT_SECONDS = 30


@pytest.fixture
def app_config():
    return {"WEBHOOKS_ALLOW_HTTP": True}


def _register(url: str, events=("ticket.created",)) -> tuple[int, str]:
    endpoint, secret = register_endpoint(EndpointInput(url=url, events=list(events)), None,
                                         clock.utcnow())
    db.session.commit()
    return endpoint.id, secret


def _deliveries() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "webhook").order_by(OutboxMessage.id)))


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    db.session.rollback()
    return db.session.get(WebhookEndpoint, endpoint_id)


def _signed_parts(header: str) -> tuple[int, str]:
    parts = dict(part.split("=", 1) for part in header.split(","))
    return int(parts["t"]), parts["v1"]


def test_the_post_is_signed_over_the_raw_body_with_the_documented_headers(app, make_ticket):
    clock.set_now(NOW)
    with WebhookReceiver() as receiver:
        endpoint_id, secret = _register(receiver.url)
        ticket = make_ticket()
        [row] = _deliveries()
        assert send_due(NOW) == {"sent": 1}
    [received] = receiver.requests
    headers, raw = received.headers, received.body
    assert raw == row.body_text.encode("utf-8")
    body = json.loads(raw)
    assert (body["type"], body["data"]["ticket"]["ref"]) == ("ticket.created", ticket.ref)
    assert body["id"].startswith("evt_") and body["created_at"] == NOW.isoformat()
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "RecoveryDesk-Webhooks/1"
    assert headers["Recovery-Desk-Event"] == "ticket.created"
    assert headers["Recovery-Desk-Delivery"] == body["id"]
    timestamp, sent = _signed_parts(headers["Recovery-Desk-Signature"])
    assert timestamp == int(NOW.timestamp())
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw,
                        hashlib.sha256).hexdigest()
    assert sent == expected == signature(secret, timestamp, raw)
    assert verify(secret, headers["Recovery-Desk-Signature"], raw, timestamp + 10)
    assert not verify(secret, headers["Recovery-Desk-Signature"], raw + b" ", timestamp)
    [row] = _deliveries()
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("sent", 1, 200, None)
    endpoint = _endpoint(endpoint_id)
    assert (endpoint.last_status, endpoint.last_delivery_at) == (200, NOW)
    assert endpoint.consecutive_failures == 0


def test_a_failed_post_is_retried_after_the_backoff_and_recorded(app, make_ticket):
    clock.set_now(NOW)
    with WebhookReceiver(statuses=[500, 200]) as receiver:
        endpoint_id, _secret = _register(receiver.url)
        make_ticket()
        assert send_due(NOW) == {"retry": 1}
        [row] = _deliveries()
        assert (row.status, row.attempts, row.last_status) == ("pending", 1, 500)
        assert row.last_error.startswith("HTTP 500")
        assert row.next_attempt_at == NOW + timedelta(minutes=1)
        assert _endpoint(endpoint_id).consecutive_failures == 1
        assert send_due(NOW + timedelta(seconds=59)) == {}
        assert len(receiver.requests) == 1
        assert send_due(NOW + timedelta(minutes=1)) == {"sent": 1}
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["Recovery-Desk-Delivery"] == second.headers["Recovery-Desk-Delivery"]
    [row] = _deliveries()
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("sent", 2, 200, None)
    endpoint = _endpoint(endpoint_id)
    assert (endpoint.last_status, endpoint.consecutive_failures) == (200, 0)


def test_a_redirect_is_never_followed(app, make_ticket):
    clock.set_now(NOW)
    with WebhookReceiver(statuses=[302]) as receiver:
        _register(receiver.url)
        make_ticket()
        assert send_due(NOW) == {"retry": 1}
    assert [request.path for request in receiver.requests] == ["/hooks"]
    [row] = _deliveries()
    assert (row.status, row.last_status) == ("pending", 302)


def test_an_unreachable_receiver_is_a_retry_without_a_status(app, make_ticket):
    clock.set_now(NOW)
    endpoint_id, _secret = _register(f"http://127.0.0.1:{free_port()}/hooks")
    make_ticket()
    assert send_due(NOW) == {"retry": 1}
    [row] = _deliveries()
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, None)
    assert row.last_error
    endpoint = _endpoint(endpoint_id)
    assert (endpoint.last_status, endpoint.consecutive_failures) == (None, 1)


def test_a_rotated_secret_signs_the_next_attempt(app, make_ticket):
    clock.set_now(NOW)
    with WebhookReceiver() as receiver:
        endpoint_id, old = _register(receiver.url)
        make_ticket()
        new = rotate_secret(db.session.get(WebhookEndpoint, endpoint_id), NOW)
        db.session.commit()
        assert send_due(NOW) == {"sent": 1}
    [received] = receiver.requests
    header = received.headers["Recovery-Desk-Signature"]
    assert new != old
    assert verify(new, header, received.body, int(NOW.timestamp()))
    assert not verify(old, header, received.body, int(NOW.timestamp()))


def _wait_for(condition, process) -> None:
    for _ in range(WAIT_SECONDS * 10):
        if condition():
            return
        assert process.poll() is None, "the sender stopped on its own"
        time.sleep(0.1)
    raise AssertionError("gave up waiting")


def _sender_process(database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
           "SCHEDULER_ENABLED": "0", "RECOVERY_DESK_INSTANCE": str(tmp_path / "instance")}
    with (tmp_path / "sender.log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "outbox", "send"], cwd=ROOT,
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def test_a_sender_killed_mid_post_loses_no_event(app, database_url, make_ticket, tmp_path):
    hold = threading.Event()
    with WebhookReceiver(hold=hold) as receiver:
        _register(receiver.url)
        for _ in range(3):
            make_ticket()
        queued = {json.loads(row.body_text)["id"] for row in _deliveries()}
        assert len(queued) == 3
        sender = _sender_process(database_url, tmp_path)
        try:
            _wait_for(lambda: receiver.arrived.is_set()
                      and any(row.status == "sending" for row in _deliveries()), sender)
        finally:
            if sender.poll() is None:
                os.killpg(sender.pid, signal.SIGKILL)
            sender.wait(timeout=WAIT_SECONDS)
        [stalled] = [row for row in _deliveries() if row.status == "sending"]
        assert stalled.attempts == 1
        lease_end = stalled.claimed_until
        hold.set()
        assert send_due(lease_end) == {"sent": 3}
        assert send_due(lease_end + LEASE) == {}
    arrived = [request.headers["Recovery-Desk-Delivery"] for request in receiver.requests]
    assert set(arrived) == queued
    assert arrived.count(json.loads(stalled.body_text)["id"]) == 2
    assert {row.status for row in _deliveries()} == {"sent"}


def test_a_channel_without_a_transport_is_retried_and_email_takes_none(app):
    clock.set_now(NOW)
    enqueue(kind="fax", to_address="+8613912345678", subject="Fax", body_text="x",
            due_at=NOW, now=NOW, channel="fax")
    db.session.commit()
    assert transports.transport_for("fax") is None
    assert send_due(NOW) == {"retry": 1}
    db.session.rollback()
    [row] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "fax"))
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, None)
    assert row.last_error == "no transport is registered for the channel 'fax'"
    with pytest.raises(ValueError):
        transports.register(transports.EMAIL, lambda claim, config: 200)
