"""No password, API token, customer phone or e-mail, nor the SMTP password, in any log line.

A realistic session runs with every logger at DEBUG (SQLAlchemy's engine at INFO, which
logs every statement: its DEBUG level also dumps result rows, the database's contents,
a debugging switch no deployment turns on) and every captured record — message, its
arguments and any traceback — is searched for the secrets.
"""

import logging
import re
import smtplib

import pytest

from core import clock
from extensions import db
from outbox import smtp
from outbox.queue import enqueue
from outbox.sender import send_due
from tests.support.servers import free_port

PASSWORD = "correct horse"
WRONG_PASSWORD = "maple-copper-tundra-58"
PHONE = "+39 333 123 4567"
EMAIL = "maria.rossi@guests.example"
SMTP_PASSWORD = "s3cret-smtp-pass"


def _closed_port_url() -> str:
    port = free_port()
    return f"smtp://desk:{SMTP_PASSWORD}@127.0.0.1:{port}"


@pytest.fixture
def every_logger_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    for name in ("sqlalchemy.engine", "sqlalchemy.engine.Engine"):
        caplog.set_level(logging.INFO, logger=name)
    return caplog


def _sign_in_and_make_a_token(client, user) -> str:
    wrong = client.post("/sign-in", data={"username": user.username,
                                          "password": WRONG_PASSWORD})
    assert "wrong password" in wrong.get_data(as_text=True)
    client.post("/sign-in", data={"username": "nobody.here", "password": WRONG_PASSWORD})
    signed_in = client.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    page = client.post("/account/tokens", data={"name": "booking system"})
    return re.search(r'<code id="new-token"[^>]*>(rd_[^<]+)</code>', page.get_data(
        as_text=True)).group(1)


def _open_a_ticket_by_api(client, token: str) -> dict:
    from tickets.categories import ensure_default_categories

    ensure_default_categories()
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "customer": {"name": "Maria Rossi", "phone": PHONE, "email": EMAIL},
        "channel": "email", "dimension": "responsiveness", "category": "No call back",
        "severity": "high", "description": "Nobody called me back about the lost luggage",
    }
    response = client.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    return response.get_json()


def _mail_the_customer(app, monkeypatch) -> None:
    now = clock.utcnow()
    for _ in range(3):
        enqueue(kind="survey", to_address=EMAIL, subject=f"[Recovery Desk] for {EMAIL}",
                body_text=f"Call us back on {PHONE}", due_at=now)
    db.session.commit()
    app.config["SMTP_URL"] = ""
    assert send_due(now, limit=1) == {"logged": 1}
    app.config["SMTP_URL"] = _closed_port_url()
    assert send_due(now, limit=1) == {"retry": 1}

    def refused(*_args, **_kwargs):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, f"no such user {EMAIL}".encode())})

    monkeypatch.setattr(smtp, "send_mail", refused)
    assert send_due(now, limit=1) == {"retry": 1}


def _record_text(record: logging.LogRecord) -> str:
    formatted = logging.Formatter("%(name)s %(message)s").format(record)
    return f"{formatted} {record.msg!r} {record.args!r}"


def test_no_secret_or_personal_data_reaches_the_logs(app, client, make_user, monkeypatch,
                                                     every_logger_at_debug):
    user = make_user(password=PASSWORD, email="lin.mei@hotel.example")
    token = _sign_in_and_make_a_token(client, user)
    ticket = _open_a_ticket_by_api(client, token)
    assert client.get(f"/tickets/{ticket['ref']}").status_code == 200
    assert client.get("/customers/search", query_string={"q": PHONE[-8:]}).status_code == 200
    _mail_the_customer(app, monkeypatch)
    records = every_logger_at_debug.records
    assert any(r.name == "outbox" for r in records), "the mail lines were captured"
    assert any(r.name.startswith("sqlalchemy.engine") for r in records)
    secrets = {PASSWORD, WRONG_PASSWORD, token, token[len("rd_"):], PHONE, "393331234567",
               EMAIL, "lin.mei@hotel.example", SMTP_PASSWORD}
    leaks = [(secret, _record_text(r)[:200]) for r in records for secret in secrets
             if secret in _record_text(r)]
    assert leaks == []
