"""The sweep's follow-up work: owners reminded once when a follow-up falls due, and each
due survey's link put in the outbox once for customers with an e-mail address (in their
language); the outbox sender mails it, and the ticket page says what became of it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core import clock
from customers.services import CustomerInput
from extensions import db
from followups.survey_link import survey_path
from jobs.sweep import sweep
from notifications.models import Notification
from outbox import smtp
from outbox.models import OutboxMessage
from outbox.sender import send_due

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai (24/7 site)
DUE = T0 + timedelta(days=7, minutes=1)  # the survey is due at T0 + 7 days


def _pass(now: datetime):
    """One scheduled run: the sweep (committed), then the outbox sender."""
    clock.set_now(now)
    report = sweep(now)
    db.session.commit()
    report.mail = send_due(now)
    return report


@pytest.fixture
def smtp_log(app, monkeypatch):
    """Pretend SMTP: record what would be sent."""
    sent = []
    app.config["SMTP_URL"] = "smtp://mail.example:25"
    monkeypatch.setattr(smtp, "send_mail", lambda config, to, subject, body, html=None, **_:
                        sent.append((to, subject, body)))
    return sent


@pytest.fixture
def resolved(app, make_ticket, resolve_ticket):
    clock.set_now(T0)
    customer = CustomerInput(name="Ana Silva", email="ana@example.com", phone="")
    ticket = resolve_ticket(make_ticket(customer=customer))
    _letters_already_sent()
    return ticket


def _letters_already_sent() -> None:
    """The acknowledgement, fix offer and resolution summary Ana got at the time (their
    mail is tests/integration/test_customer_mail.py's): only the survey mail is left."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.kind.like("customer_%"))
                       .values(status="sent", next_attempt_at=None, sent_at=T0))
    db.session.commit()


def _survey(ticket):
    db.session.expire_all()
    return next(f for f in ticket.follow_ups if f.kind == "survey")


def _survey_mails() -> list[OutboxMessage]:
    """The survey mails as committed (the sender commits through its own connections)."""
    db.session.rollback()
    stmt = select(OutboxMessage).where(OutboxMessage.kind == "survey_link")
    return list(db.session.scalars(stmt))


def _reminders() -> list[tuple[int, str]]:
    stmt = select(Notification.recipient_id, Notification.message).where(
        Notification.kind == "follow_up_due")
    return list(db.session.execute(stmt))


def _to_ana(sent) -> list[tuple[str, str]]:
    return [(subject, body) for to, subject, body in sent if to == "ana@example.com"]


def test_the_owner_is_reminded_once_when_a_follow_up_is_due(app, resolved, smtp_log):
    _pass(T0 + timedelta(days=2) - timedelta(minutes=1))
    assert _reminders() == []
    report = _pass(T0 + timedelta(days=2, minutes=1))
    reminders = _reminders()
    assert len(reminders) == 1
    assert reminders[0][0] == resolved.owner_id
    assert f"{resolved.ref}: the check-in with Ana Silva is due" in reminders[0][1]
    assert report.follow_ups == {"reminded": 1}
    _pass(T0 + timedelta(days=2, minutes=5))
    assert len(_reminders()) == 1


def test_a_due_survey_link_is_mailed_once_to_the_customer(app, resolved, smtp_log):
    _pass(T0 + timedelta(days=6))
    assert _to_ana(smtp_log) == [] and _survey_mails() == []
    report = _pass(DUE)
    [(subject, body)] = _to_ana(smtp_log)
    survey = _survey(resolved)
    assert resolved.ref in subject and subject.startswith("[Recovery Desk] ")
    assert survey_path(survey, "test-secret") in body
    assert "Dear Ana Silva" in body
    assert report.follow_ups["survey mail queued"] == 1
    assert report.mail == {"sent": 1}
    _pass(DUE + timedelta(minutes=4))
    assert len(_to_ana(smtp_log)) == 1
    [mail] = _survey_mails()
    assert (mail.status, mail.follow_up_id, mail.sent_at) == ("sent", survey.id, DUE)
    assert survey.survey_mailed_at == DUE and survey.survey_mail == mail


def test_the_sweep_only_queues_the_survey_mail(app, resolved, monkeypatch):
    app.config["SMTP_URL"] = "smtp://mail.example:25"

    def no_smtp(*args, **kwargs):
        raise AssertionError("the sweep must not talk to SMTP")

    monkeypatch.setattr(smtp, "send_mail", no_smtp)
    clock.set_now(DUE)
    assert sweep(DUE).follow_ups["survey mail queued"] == 1
    db.session.commit()
    [mail] = _survey_mails()
    assert (mail.status, mail.attempts, mail.to_address) == ("pending", 0, "ana@example.com")
    assert "survey mail queued" not in sweep(DUE + timedelta(minutes=1)).follow_ups
    db.session.commit()
    assert len(_survey_mails()) == 1


def test_the_survey_mail_is_in_the_customers_language(app, resolved, smtp_log):
    resolved.customer.locale = "zh_Hans"
    db.session.commit()
    _pass(DUE)
    [(subject, body)] = _to_ana(smtp_log)
    assert subject == f"[Recovery Desk] 您对我们的服务满意吗？（{resolved.ref}）"
    assert "尊敬的Ana Silva：" in body


@pytest.fixture
def smtp_down(app, monkeypatch):
    """Pretend SMTP that refuses every mail; records who each try was for."""
    tries = []
    app.config["SMTP_URL"] = "smtp://mail.example:25"

    def failing(config, to, subject, body, html=None, headers=None):
        tries.append(to)
        raise OSError("connection refused")

    monkeypatch.setattr(smtp, "send_mail", failing)
    return tries


def _passes_until_the_survey_mail_is_done(start: datetime) -> OutboxMessage:
    """Run passes at each next attempt time of the survey mail (at most ten)."""
    now = start
    for _ in range(10):
        _pass(now)
        [mail] = _survey_mails()
        if mail.next_attempt_at is None:
            return mail
        now = mail.next_attempt_at
    raise AssertionError("the survey mail was still pending after ten passes")


def test_a_failed_survey_mail_is_retried_with_the_backoff_then_given_up(app, resolved,
                                                                       smtp_down):
    mail = _passes_until_the_survey_mail_is_done(DUE)
    assert smtp_down.count("ana@example.com") == 6
    assert (mail.status, mail.attempts) == ("failed", 6)
    assert _survey(resolved).survey_mail.status == "failed"


def test_without_smtp_the_survey_mail_is_logged(app, resolved, caplog):
    caplog.set_level("INFO", logger="outbox")
    app.config["SMTP_URL"] = ""
    _pass(DUE)
    assert "a***@example.com" in caplog.text
    assert "ana@example.com" not in caplog.text
    assert _survey(resolved).survey_mail.status == "logged"


def test_no_mail_for_a_customer_without_address(app, make_ticket, resolve_ticket, smtp_log):
    clock.set_now(T0)
    resolve_ticket(make_ticket())
    report = _pass(DUE)
    assert "survey mail queued" not in report.follow_ups
    assert _survey_mails() == []


def _mail_note(client, ticket) -> str:
    page = client.get(f"/tickets/{ticket.ref}").get_data(as_text=True)
    start = page.index('id="survey-link"')
    return page[start:page.index("</div>", start)]


def test_the_ticket_page_says_what_became_of_the_survey_mail(app, client, login, resolved,
                                                            smtp_log):
    login(user=resolved.owner)
    clock.set_now(T0 + timedelta(days=1))
    assert "It will be e-mailed to ana@example.com when it is due." in _mail_note(
        client, resolved)
    clock.set_now(DUE)
    sweep(DUE)
    db.session.commit()
    assert 'data-survey-mail="queued"' in _mail_note(client, resolved)
    send_due(DUE)
    note = _mail_note(client, resolved)
    assert "E-mailed to ana@example.com on Nov 30, 2026 10:01 UTC+8" in note


def test_the_ticket_page_tells_staff_to_send_a_failed_link_themselves(app, client, login,
                                                                     resolved, smtp_down):
    assert _passes_until_the_survey_mail_is_done(DUE).status == "failed"
    login(user=resolved.owner)
    assert "could not be sent. Send the link yourself." in _mail_note(client, resolved)
