"""Notifications: site hours hold back non-critical ones, critical ones go at once, and
each recipient with an address gets one outbox mail, due when the notification is; the
outbox sender sends it, logs it (no SMTP) or retries it with backoff."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from notifications.kinds import CUSTOMER_WROTE, SAFETY_COMPLAINT
from notifications.models import Notification
from notifications.services import (
    active_managers,
    active_supervisors,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
    visible_for,
)
from outbox import smtp
from outbox.models import OutboxMessage
from outbox.sender import send_due

# Monday 2026-11-23 03:00 in Shanghai (UTC+8); the office opens at 09:00 local = 01:00 UTC.
NIGHT = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
OPENING = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SAFETY = SAFETY_COMPLAINT(ref="SR-000001", site="Office Hours Hotel")
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


def _mail(row: Notification) -> OutboxMessage | None:
    """The outbox mail of a notification, as committed (None when there is none)."""
    db.session.rollback()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.notification_id == row.id)).all()
    assert len(mails) <= 1
    return mails[0] if mails else None


def _notify(recipients, now, **options) -> list[Notification]:
    rows = notify(recipients, "customer_message", CUSTOMER_WROTE(ref="SR-000001"), now=now,
                  **options)
    db.session.commit()
    return rows


@pytest.fixture
def sent(app, monkeypatch):
    """Pretend SMTP: record (url, to, subject, body, html) of each mail sent."""
    app.config["SMTP_URL"] = SMTP
    record = []
    monkeypatch.setattr(smtp, "send_mail", lambda config, to, subject, body, html=None, **_:
                        record.append((config["SMTP_URL"], to, subject, body, html)))
    return record


def _failing(*args, **kwargs):
    raise OSError("connection refused")


def test_notify_non_critical_waits_for_site_opening(app, person):
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT)
    assert row.deliver_after == OPENING
    mail = _mail(row)
    assert (mail.status, mail.due_at, mail.next_attempt_at) == ("pending", OPENING, OPENING)
    assert mail.to_address == "desk@example.com" and mail.kind == "staff_notification"
    assert unread_count(person, NIGHT) == 0
    assert _visible(person, NIGHT) == []
    later = OPENING + timedelta(minutes=1)
    clock.set_now(later)
    assert unread_count(person, later) == 1
    assert [n.id for n in _visible(person, later)] == [row.id]


def test_notify_critical_is_visible_at_once_and_its_mail_due_at_once(app, person):
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT, critical=True)
    assert row.deliver_after == NIGHT
    assert unread_count(person, NIGHT) == 1
    assert (_mail(row).status, _mail(row).next_attempt_at) == ("pending", NIGHT)


def test_notify_deduplicates_and_skips_inactive(app, person, make_user, office):
    gone = make_user("supervisor", site=office)
    gone.active = False
    db.session.commit()
    rows = _notify([person, person, gone, None], NIGHT)
    assert [r.recipient_id for r in rows] == [person.id]


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


def test_notify_without_email_has_no_mail(app, make_user, office):
    silent = make_user("front_desk", site=office)
    [row] = _notify([silent], NIGHT)
    assert _mail(row) is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_notify_never_talks_to_smtp(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    monkeypatch.setattr(smtp, "send_mail", _failing)
    [row] = _notify([person], NIGHT, critical=True)
    assert _mail(row).attempts == 0


def test_send_due_without_smtp_logs_it(app, person, caplog):
    app.config["SMTP_URL"] = ""
    [row] = _notify([person], NIGHT)
    assert send_due(NIGHT) == {}
    with caplog.at_level(logging.INFO, logger="outbox"):
        assert send_due(OPENING) == {"logged": 1}
    assert _mail(row).status == "logged"
    [record] = [r for r in caplog.records if r.name == "outbox"]
    assert record.levelno == logging.INFO
    assert "d***@example.com" in record.getMessage()
    assert "desk@example.com" not in record.getMessage()
    assert ("[Recovery Desk] SR-000001: the customer wrote. Read it and answer."
            in record.getMessage())
    assert send_due(OPENING + timedelta(hours=1)) == {}


def test_send_due_with_smtp_sends(app, person, make_ticket, sent):
    app.config["SITE_URL"] = "https://desk.example/"
    ticket = make_ticket(owner=person)
    [row] = _notify([person], NIGHT, ticket=ticket, body_html="<p>close</p>")
    assert send_due(OPENING) == {"sent": 1}
    mail = _mail(row)
    assert (mail.status, mail.attempts, mail.sent_at) == ("sent", 1, OPENING)
    [(url, to, subject, body, html)] = sent
    assert (url, to, html) == (SMTP, "desk@example.com", "<p>close</p>")
    assert subject.startswith("[Recovery Desk] ")
    assert body.endswith(f"https://desk.example/tickets/{ticket.ref}")
    assert send_due(OPENING + timedelta(hours=1)) == {}
    assert len(sent) == 1


def test_send_due_backs_off_then_gives_up(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    monkeypatch.setattr(smtp, "send_mail", _failing)
    [row] = _notify([person], NIGHT)
    now = OPENING
    for attempt, minutes in enumerate((1, 5, 15, 60, 240), start=1):
        assert send_due(now) == {"retry": 1}
        mail = _mail(row)
        assert (mail.status, mail.attempts) == ("pending", attempt)
        assert mail.next_attempt_at == now + timedelta(minutes=minutes)
        assert "connection refused" in mail.last_error
        assert send_due(mail.next_attempt_at - timedelta(seconds=1)) == {}
        now = mail.next_attempt_at
    assert send_due(now) == {"failed": 1}
    mail = _mail(row)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("failed", 6, None)
    assert _fresh(row).message and unread_count(person, now) == 1


def test_critical_mail_goes_at_the_first_pass_after_the_commit(app, person, sent):
    clock.set_now(NIGHT)
    [row] = notify([person], "safety", SAFETY, critical=True, now=NIGHT)
    db.session.flush()
    assert sent == []
    db.session.commit()
    assert sent == []
    assert send_due(NIGHT) == {"sent": 1}
    assert [to for _url, to, *_rest in sent] == ["desk@example.com"]
    assert _mail(row).status == "sent"


def test_critical_mail_failure_stays_pending_for_a_later_pass(app, person, monkeypatch):
    app.config["SMTP_URL"] = SMTP
    monkeypatch.setattr(smtp, "send_mail", _failing)
    clock.set_now(NIGHT)
    [row] = _notify([person], NIGHT, critical=True)
    assert send_due(NIGHT) == {"retry": 1}
    mail = _mail(row)
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.next_attempt_at == NIGHT + timedelta(minutes=1)


def test_rolled_back_critical_notification_sends_nothing(app, person, sent):
    notify([person], "safety", SAFETY, critical=True, now=NIGHT)
    db.session.rollback()
    db.session.commit()
    assert send_due(NIGHT) == {}
    assert sent == []
    assert db.session.scalars(select(Notification)).all() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_non_critical_mail_waits_for_the_opening(app, person, sent):
    _notify([person], NIGHT)
    assert send_due(NIGHT) == {}
    assert sent == []
    assert send_due(OPENING) == {"sent": 1}


def test_parse_smtp_url_decodes_credentials():
    settings = smtp.parse_smtp_url(SMTP)
    assert (settings.host, settings.port, settings.starttls, settings.use_ssl) == (
        "mail.example", 587, True, False)
    assert (settings.username, settings.password) == ("desk@hotel", "p@ss")
    secure = smtp.parse_smtp_url("smtps://mail.example")
    assert (secure.port, secure.use_ssl, secure.starttls) == (465, True, False)
    with pytest.raises(ValueError):
        smtp.parse_smtp_url("http://mail.example")
