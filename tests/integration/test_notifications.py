"""Notifications: site hours hold back non-critical ones, critical ones go at once, e-mail
is sent, logged or retried with backoff, and critical mail leaves right after the commit."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from notifications import mail
from notifications.models import Notification
from notifications.services import (
    active_managers,
    active_supervisors,
    mark_all_read,
    mark_read,
    notify,
    send_due_mail,
    unread_count,
    visible_for,
)

# Monday 2026-11-23 03:00 in Shanghai (UTC+8); the office opens at 09:00 local = 01:00 UTC.
NIGHT = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
OPENING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SMTP = "smtp://desk%40hotel:p%40ss@mail.example:587?starttls=1"


@pytest.fixture
def office(make_site):
    return make_site(name="Office Hours Hotel", hours="mon-fri 09:00-18:00")


@pytest.fixture
def person(make_user, office):
    return make_user("front_desk", site=office, email="desk@example.com")


def _visible(user, now) -> list[Notification]:
    return list(db.session.scalars(visible_for(user, now)))


def _fresh(row: Notification) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, row.id)


def _notify(recipients, now, **options) -> list[Notification]:
    rows = notify(recipients, "sla_at_risk", "SR-000001: the deadline is close.", now=now,
                  **options)
    db.session.commit()
    return rows


def test_notify_non_critical_waits_for_site_opening(app, person):
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT)
    assert row.deliver_after == OPENING
    assert row.next_email_at == OPENING and row.email_status == "pending"
    assert unread_count(person, NIGHT) == 0
    assert _visible(person, NIGHT) == []
    later = OPENING + timedelta(minutes=1)
    clock.set_now(later)
    assert unread_count(person, later) == 1
    assert [n.id for n in _visible(person, later)] == [row.id]


def test_notify_critical_is_visible_at_once(app, person, monkeypatch):
    monkeypatch.setattr(mail, "send_mail", lambda *args, **kwargs: None)
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT, critical=True)
    assert row.deliver_after == NIGHT
    assert unread_count(person, NIGHT) == 1


def test_notify_deduplicates_and_skips_inactive(app, person, make_user, office):
    gone = make_user("supervisor", site=office)
    gone.active = False
    db.session.commit()
    rows = _notify([person, person, gone, None], NIGHT)
    assert [r.recipient_id for r in rows] == [person.id]


def test_notify_without_email_has_no_mail(app, make_user, office):
    silent = make_user("front_desk", site=office)
    [row] = _notify([silent], NIGHT)
    assert row.email_status == "none" and row.next_email_at is None


def test_notify_links_the_ticket(app, make_ticket, person):
    ticket = make_ticket(owner=person)
    [row] = _notify([person], NIGHT, ticket=ticket)
    assert row.ticket_id == ticket.id and row.ticket_ref == ticket.ref


def test_active_supervisors_and_managers(app, make_user, make_site, office):
    boss = make_user("supervisor", site=office)
    make_user("supervisor", site=make_site(name="Elsewhere"))
    retired = make_user("manager", site=office)
    manager = make_user("manager", site=office)
    retired.active = False
    db.session.commit()
    assert active_supervisors(office) == [boss]
    assert active_managers() == [manager]


def test_mark_read_only_own_and_delivered(app, person, make_user, office):
    other = make_user("front_desk", site=office)
    [mine] = _notify([person], NIGHT)
    assert not mark_read(person, mine.id, NIGHT)
    assert not mark_read(other, mine.id, OPENING)
    assert not mark_read(person, 999_999, OPENING)
    assert mark_read(person, mine.id, OPENING)
    db.session.commit()
    assert _fresh(mine).read_at == OPENING
    assert unread_count(person, OPENING) == 0


def test_mark_all_read_counts_only_delivered_own(app, person, make_user, office):
    other = make_user("front_desk", site=office)
    _notify([person, other], NIGHT)
    _notify([person], NIGHT)
    _notify([person], OPENING + timedelta(days=1))
    assert mark_all_read(person, OPENING) == 2
    db.session.commit()
    assert unread_count(person, OPENING) == 0
    assert unread_count(other, OPENING) == 1
    assert unread_count(person, OPENING + timedelta(days=2)) == 1


def test_send_due_mail_without_smtp_logs_it(app, person, caplog):
    app.config["SMTP_URL"] = ""
    [row] = _notify([person], NIGHT)
    assert send_due_mail(NIGHT) == {}
    with caplog.at_level(logging.INFO, logger="notifications.mail"):
        assert send_due_mail(OPENING) == {"logged": 1}
    db.session.commit()
    assert _fresh(row).email_status == "logged"
    [record] = [r for r in caplog.records if r.name == "notifications.mail"]
    assert record.levelno == logging.INFO
    assert "desk@example.com" in record.getMessage()
    assert "[Recovery Desk] SR-000001: the deadline is close." in record.getMessage()


def test_send_due_mail_with_smtp_sends(app, person, make_ticket, monkeypatch):
    app.config.update(SMTP_URL=SMTP, SITE_URL="https://desk.example/")
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda config, to, subject, body, html=None: sent.append(
        (config["SMTP_URL"], to, subject, body)))
    ticket = make_ticket(owner=person)
    [row] = _notify([person], NIGHT, ticket=ticket)
    assert send_due_mail(OPENING) == {"sent": 1}
    db.session.commit()
    assert _fresh(row).email_status == "sent" and _fresh(row).email_attempts == 1
    [(url, to, subject, body)] = sent
    assert (url, to) == (SMTP, "desk@example.com")
    assert subject.startswith("[Recovery Desk] ")
    assert body.endswith(f"https://desk.example/tickets/{ticket.ref}")
    assert send_due_mail(OPENING + timedelta(hours=1)) == {}


def _failing(*args, **kwargs):
    raise OSError("connection refused")


def test_send_due_mail_backs_off_then_gives_up(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    monkeypatch.setattr(mail, "send_mail", _failing)
    [row] = _notify([person], NIGHT)
    now = OPENING
    for attempt, minutes in enumerate((1, 5, 15, 60, 240), start=1):
        assert send_due_mail(now) == {"retry": 1}
        db.session.commit()
        row = _fresh(row)
        assert (row.email_status, row.email_attempts) == ("pending", attempt)
        assert row.next_email_at == now + timedelta(minutes=minutes)
        assert send_due_mail(row.next_email_at - timedelta(seconds=1)) == {}
        now = row.next_email_at
    assert send_due_mail(now) == {"failed": 1}
    db.session.commit()
    row = _fresh(row)
    assert (row.email_status, row.email_attempts, row.next_email_at) == ("failed", 6, None)
    assert row.message and unread_count(person, now) == 1


def test_critical_mail_leaves_right_after_commit(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    sent = []
    monkeypatch.setattr(
        mail, "send_mail", lambda config, to, subject, body, html=None: sent.append(to)
    )
    clock.set_now(NIGHT)
    [row] = notify([person], "safety", "Safety issue reported", critical=True, now=NIGHT)
    db.session.flush()
    assert sent == []
    db.session.commit()
    assert sent == ["desk@example.com"]
    assert _fresh(row).email_status == "sent"


def test_critical_mail_failure_never_raises_and_stays_pending(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    monkeypatch.setattr(mail, "send_mail", _failing)
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT, critical=True)
    row = _fresh(row)
    assert (row.email_status, row.email_attempts) == ("pending", 1)
    assert row.next_email_at == NIGHT + timedelta(minutes=1)


def test_rolled_back_critical_notification_sends_nothing(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda *args, **kwargs: sent.append(args))
    notify([person], "safety", "Safety issue reported", critical=True, now=NIGHT)
    db.session.rollback()
    db.session.commit()
    assert sent == []
    assert db.session.scalars(select(Notification)).all() == []


def test_non_critical_mail_waits_for_the_sweep(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda *args, **kwargs: sent.append(args))
    _notify([person], OPENING)
    assert sent == []


def test_parse_smtp_url_decodes_credentials():
    settings = mail.parse_smtp_url(SMTP)
    assert (settings.host, settings.port, settings.starttls, settings.use_ssl) == (
        "mail.example", 587, True, False)
    assert (settings.username, settings.password) == ("desk@hotel", "p@ss")
    secure = mail.parse_smtp_url("smtps://mail.example")
    assert (secure.port, secure.use_ssl, secure.starttls) == (465, True, False)
    with pytest.raises(ValueError):
        mail.parse_smtp_url("http://mail.example")
