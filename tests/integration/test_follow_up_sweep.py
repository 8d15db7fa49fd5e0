"""The sweep's follow-up work: owners reminded once when a follow-up falls due, and each
due survey's link mailed once to customers with an e-mail address (in their language)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from customers.services import CustomerInput
from extensions import db
from followups.survey_link import survey_path
from notifications import mail
from notifications.models import Notification
from sla.sweep import sweep

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai (24/7 site)


@pytest.fixture
def smtp(app, monkeypatch):
    """Pretend SMTP: record what would be sent."""
    sent = []
    app.config["SMTP_URL"] = "smtp://mail.example:25"
    monkeypatch.setattr(mail, "send_mail", lambda config, to, subject, body, html=None: sent.append(
        (to, subject, body)))
    return sent


@pytest.fixture
def resolved(app, make_ticket, resolve_ticket):
    clock.set_now(T0)
    customer = CustomerInput(name="Ana Silva", email="ana@example.com", phone="")
    return resolve_ticket(make_ticket(customer=customer))


def _reminders() -> list[tuple[int, str]]:
    stmt = select(Notification.recipient_id, Notification.message).where(
        Notification.kind == "follow_up_due")
    return list(db.session.execute(stmt))


def test_the_owner_is_reminded_once_when_a_follow_up_is_due(app, resolved, smtp):
    sweep(T0 + timedelta(days=2) - timedelta(minutes=1))
    assert _reminders() == []
    report = sweep(T0 + timedelta(days=2, minutes=1))
    reminders = _reminders()
    assert len(reminders) == 1
    assert reminders[0][0] == resolved.owner_id
    assert f"{resolved.ref}: the check-in with Ana Silva is due" in reminders[0][1]
    assert report.follow_ups == {"reminded": 1}
    sweep(T0 + timedelta(days=2, minutes=5))
    assert len(_reminders()) == 1


def test_a_due_survey_link_is_mailed_once_to_the_customer(app, resolved, smtp):
    sweep(T0 + timedelta(days=6))
    assert [to for to, _s, _b in smtp if to == "ana@example.com"] == []
    report = sweep(T0 + timedelta(days=7, minutes=1))
    to_customer = [(s, b) for to, s, b in smtp if to == "ana@example.com"]
    assert len(to_customer) == 1
    subject, body = to_customer[0]
    survey = next(f for f in resolved.follow_ups if f.kind == "survey")
    assert resolved.ref in subject
    assert survey_path(survey, "test-secret") in body
    assert "Dear Ana Silva" in body
    assert report.follow_ups["survey mail sent"] == 1
    sweep(T0 + timedelta(days=7, minutes=5))
    assert len([to for to, _s, _b in smtp if to == "ana@example.com"]) == 1
    db.session.refresh(survey)
    assert survey.survey_mail_status == "sent"


def test_a_failed_survey_mail_is_retried_then_given_up(app, resolved, monkeypatch):
    app.config["SMTP_URL"] = "smtp://mail.example:25"
    tries = []

    def failing(config, to, subject, body, html=None):
        tries.append(to)
        raise OSError("connection refused")

    monkeypatch.setattr(mail, "send_mail", failing)
    for minute in range(7):
        sweep(T0 + timedelta(days=7, minutes=minute))
    survey = next(f for f in resolved.follow_ups if f.kind == "survey")
    db.session.refresh(survey)
    assert tries.count("ana@example.com") == 5
    assert survey.survey_mail_status == "failed"


def test_without_smtp_the_survey_mail_is_logged(app, resolved, caplog):
    caplog.set_level("INFO", logger="notifications.mail")
    sweep(T0 + timedelta(days=7, minutes=1))
    assert "ana@example.com" in caplog.text
    survey = next(f for f in resolved.follow_ups if f.kind == "survey")
    db.session.refresh(survey)
    assert survey.survey_mail_status == "logged"


def test_no_mail_for_a_customer_without_address(app, make_ticket, resolve_ticket, smtp):
    clock.set_now(T0)
    resolve_ticket(make_ticket())
    report = sweep(T0 + timedelta(days=7, minutes=1))
    assert "survey mail sent" not in report.follow_ups
