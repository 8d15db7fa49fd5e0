"""The outbox sender: one backoff rule for every kind of mail, no message lost when SMTP is
down or the sender is killed mid-send, and no transaction or row lock held while it talks
to SMTP. A small SMTP server on 127.0.0.1 stands in for the real one."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from core import clock
from extensions import db
from notifications.kinds import SAFETY_COMPLAINT
from notifications.models import Notification
from notifications.services import notify
from outbox import smtp
from outbox.models import OutboxMessage
from outbox.queue import enqueue
from outbox.sender import LEASE, send_due
from tests.support.smtp import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WAIT_SECONDS = 30


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"smtp://desk:s3cret-pass@127.0.0.1:{port}"


def _queue(kind="staff_notification", due=NOW, **extra) -> int:
    row = enqueue(kind=kind, to_address="desk@example.com", subject="[Recovery Desk] Hello",
                  body_text="Hello there", due_at=due, **extra)
    db.session.commit()
    return row.id


def _row(message_id: int) -> OutboxMessage:
    """The row as committed (the sender commits through its own connections)."""
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id)


def _failing(*args, **kwargs):
    raise OSError("connection refused")


@pytest.mark.parametrize("kind", ["staff_notification", "survey_link"])
def test_one_backoff_rule_for_every_kind(app, kind, monkeypatch):
    app.config["SMTP_URL"] = "smtp://mail.example:25"
    monkeypatch.setattr(smtp, "send_mail", _failing)
    message_id, now = _queue(kind), NOW
    for attempt, minutes in enumerate((1, 5, 15, 60, 240), start=1):
        assert send_due(now) == {"retry": 1}
        row = _row(message_id)
        assert (row.status, row.attempts, row.claimed_until) == ("pending", attempt, None)
        assert row.next_attempt_at == now + timedelta(minutes=minutes)
        assert send_due(row.next_attempt_at - timedelta(seconds=1)) == {}
        now = row.next_attempt_at
    assert send_due(now) == {"failed": 1}
    row = _row(message_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 6, None)
    assert send_due(now + timedelta(days=1)) == {}


def test_enqueue_is_part_of_the_callers_transaction(app):
    enqueue(kind="staff_notification", to_address="desk@example.com", subject="S",
            body_text="B", due_at=NOW)
    with db.engine.connect() as other:
        assert other.execute(select(OutboxMessage.id)).all() == []
    db.session.rollback()
    assert send_due(NOW) == {}
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_smtp_down_loses_no_message(app, caplog):
    app.config["SMTP_URL"] = _closed_port_url()
    message_id = _queue()
    assert send_due(NOW) == {"retry": 1}
    row = _row(message_id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == NOW + timedelta(minutes=1)
    assert row.last_error and "s3cret-pass" not in row.last_error
    assert "s3cret-pass" not in caplog.text
    with SmtpSink() as server:
        app.config["SMTP_URL"] = server.url
        assert send_due(NOW + timedelta(minutes=1)) == {"sent": 1}
        assert send_due(NOW + timedelta(hours=1)) == {}
    [message] = server.messages
    assert (message["To"], message["Subject"]) == ("desk@example.com", "[Recovery Desk] Hello")
    assert message.get_payload().strip() == "Hello there"
    assert _row(message_id).status == "sent"


def test_the_password_never_reaches_the_error_or_the_log(app, monkeypatch, caplog):
    url = "smtp://desk:p%40ss-w0rd@mail.example:25"
    app.config["SMTP_URL"] = url

    def leaky(*args, **kwargs):
        raise OSError(f"login refused for {url} with p@ss-w0rd")

    monkeypatch.setattr(smtp, "send_mail", leaky)
    message_id = _queue()
    assert send_due(NOW) == {"retry": 1}
    error = _row(message_id).last_error
    assert "p@ss-w0rd" not in error and "p%40ss-w0rd" not in error and "***" in error
    assert "p@ss-w0rd" not in caplog.text and "p%40ss-w0rd" not in caplog.text


def _wait_for(condition, process=None) -> None:
    for _ in range(WAIT_SECONDS * 10):
        if condition():
            return
        assert process is None or process.poll() is None, "the sender stopped on its own"
        time.sleep(0.1)
    raise AssertionError("gave up waiting")


def _sender_process(database_url: str, smtp_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SMTP_URL": smtp_url,
           "SECRET_KEY": "test-secret", "SCHEDULER_ENABLED": "0",
           "RECOVERY_DESK_INSTANCE": str(tmp_path / "instance")}
    log = (tmp_path / "sender.log").open("w")
    with log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "outbox", "send"], cwd=ROOT,
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def test_a_sender_killed_mid_send_loses_no_message(app, database_url, tmp_path):
    message_id = _queue(due=clock.utcnow() - timedelta(minutes=1))
    with SmtpSink(hold=threading.Event()) as stalled:
        sender = _sender_process(database_url, stalled.url, tmp_path)
        try:
            _wait_for(lambda: stalled.connected.is_set() and _row(message_id).status
                      == "sending", sender)
        finally:
            if sender.poll() is None:
                os.killpg(sender.pid, signal.SIGKILL)
            sender.wait(timeout=WAIT_SECONDS)
    row = _row(message_id)
    assert (row.status, row.attempts) == ("sending", 1)
    lease_end = row.claimed_until
    with SmtpSink() as server:
        app.config["SMTP_URL"] = server.url
        assert send_due(lease_end - timedelta(seconds=1)) == {}
        assert send_due(lease_end) == {"sent": 1}
        assert send_due(lease_end + LEASE) == {}
    assert len(server.messages) == 1
    row = _row(message_id)
    assert (row.status, row.attempts, row.claimed_until) == ("sent", 2, None)


def test_the_last_attempt_dying_mid_send_gives_the_message_up(app):
    message_id = _queue()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        status="sending", attempts=6, claimed_until=NOW))
    db.session.commit()
    assert send_due(NOW) == {"failed": 1}
    row = _row(message_id)
    assert (row.status, row.claimed_until) == ("failed", None)


def _no_waiting(connection) -> None:
    """Make a lock held by someone else fail this connection's statements at once."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET lock_timeout = '2s'"))
    else:
        connection.execute(text("PRAGMA busy_timeout = 0"))


def _meanwhile(message_id: int, note_id: int) -> str:
    """From another connection: the claim is committed and nothing is locked."""
    with db.engine.connect() as other:
        _no_waiting(other)
        status = other.execute(select(OutboxMessage.status).where(
            OutboxMessage.id == message_id)).scalar_one()
        if other.dialect.name == "postgresql":
            other.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE NOWAIT"),
                          {"id": message_id})
        other.execute(update(Notification).where(Notification.id == note_id).values(
            read_at=NOW))
        other.commit()
        if other.dialect.name == "sqlite":
            other.execute(text("PRAGMA busy_timeout = 5000"))
    return status


def test_no_transaction_or_row_lock_is_held_while_talking_to_smtp(app, make_user):
    person = make_user("front_desk", email="desk@example.com")
    [note] = notify([person], "safety", SAFETY_COMPLAINT(ref="SR-000001", site="Test Hotel"),
                    critical=True, now=NOW)
    db.session.commit()
    [message_id] = db.session.scalars(select(OutboxMessage.id)).all()
    counts, release = {}, threading.Event()
    with SmtpSink(hold=release) as server:
        app.config["SMTP_URL"] = server.url

        def send() -> None:
            with app.app_context():
                counts.update(send_due(NOW))

        sender = threading.Thread(target=send)
        sender.start()
        try:
            assert server.connected.wait(WAIT_SECONDS)
            assert _meanwhile(message_id, note.id) == "sending"
        finally:
            release.set()
            sender.join(WAIT_SECONDS)
    assert counts == {"sent": 1} and len(server.messages) == 1
    assert _row(message_id).status == "sent"
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at == NOW


def test_two_senders_at_once_send_each_message_once(app):
    ids = [_queue() for _ in range(6)]
    results, start = [], threading.Barrier(2, timeout=WAIT_SECONDS)
    with SmtpSink() as server:
        app.config["SMTP_URL"] = server.url

        def send() -> None:
            with app.app_context():
                start.wait()
                results.append(send_due(NOW))

        senders = [threading.Thread(target=send) for _ in range(2)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join(WAIT_SECONDS)
    assert sum(r.get("sent", 0) for r in results) == 6 and len(server.messages) == 6
    assert {_row(i).attempts for i in ids} == {1}


def test_flask_outbox_send_prints_counts(app, runner, caplog):
    app.config["SMTP_URL"] = ""
    _queue(due=clock.utcnow() - timedelta(minutes=1))
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Outbox: logged 1"
    again = runner.invoke(args=["outbox", "send"])
    assert again.exit_code == 0 and "Nothing was due in the outbox." in again.output
