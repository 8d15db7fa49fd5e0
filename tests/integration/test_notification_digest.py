"""Staff mail in the recipient's language, and the daily digest: non-critical notifications
of those who chose it come as one mail a day (from 08:00 at their site), critical ones at
once; what was read in the app is not mailed again; one digest per user and day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from extensions import db
from jobs import schedule
from notifications import kinds
from notifications.digest import DIGEST_MAIL_KIND, send_digests
from notifications.models import Notification, NotificationDigest
from notifications.services import MAIL_KIND, notify
from outbox.models import OutboxMessage

# Shanghai is UTC+8: 2026-11-23 07:00 there is 2026-11-22 23:00 UTC.
BEFORE_EIGHT = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
AFTER_EIGHT = datetime(2026, 11, 23, 0, 15, tzinfo=UTC)


@pytest.fixture
def hotel(make_site):
    return make_site(name="Harbour Hotel", timezone="Asia/Shanghai", hours="24/7")


@pytest.fixture
def digester(make_user, hotel):
    person = make_user("front_desk", site=hotel, email="lin@example.com", locale="zh_Hans")
    person.daily_digest = True
    db.session.commit()
    return person


def _mails(kind=None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def _tell(people, message, *, ticket=None, critical=False, at=BEFORE_EIGHT):
    rows = notify(people, "customer_message", message, ticket=ticket, critical=critical, now=at)
    db.session.commit()
    return rows


def test_staff_mail_is_written_in_the_recipients_language(app, make_user, hotel, make_ticket):
    chinese = make_user("front_desk", site=hotel, email="zh@example.com", locale="zh_Hans")
    english = make_user("front_desk", site=hotel, email="en@example.com", locale="en")
    browser = make_user("front_desk", site=hotel, email="browser@example.com")
    ticket = make_ticket(owner=chinese, site=hotel)
    _tell([chinese, english, browser], kinds.CUSTOMER_WROTE(ref=ticket.ref), ticket=ticket)
    by_address = {mail.to_address: mail for mail in _mails(MAIL_KIND)}
    assert by_address["zh@example.com"].subject == (
        f"[Recovery Desk] {ticket.ref}：客人发来了消息，请查看并回复。")
    assert by_address["zh@example.com"].body_text.startswith(f"{ticket.ref}：客人发来了消息")
    assert by_address["en@example.com"].subject == (
        f"[Recovery Desk] {ticket.ref}: the customer wrote. Read it and answer.")
    # Browser default: a mail has no browser, so the app's default language.
    assert by_address["browser@example.com"].subject == by_address["en@example.com"].subject


def test_a_long_chinese_subject_is_cut_without_spaces(app, make_user, hotel):
    chinese = make_user("front_desk", site=hotel, email="zh@example.com", locale="zh_Hans")
    _tell([chinese], kinds.SAFETY_COMPLAINT(ref="SR-000001", site="东方明珠国际大酒店" * 6))
    [mail] = _mails(MAIL_KIND)
    assert mail.subject.endswith("…") and len(mail.subject) <= len("[Recovery Desk] ") + 70
    assert mail.subject.startswith("[Recovery Desk] SR-000001：")


def test_digest_users_get_critical_mail_at_once_and_the_rest_once_a_day(app, digester,
                                                                       make_ticket, hotel):
    first, second = make_ticket(owner=digester, site=hotel), make_ticket(owner=digester,
                                                                         site=hotel)
    calm = _tell([digester], kinds.CUSTOMER_WROTE(ref=first.ref), ticket=first)
    _tell([digester], kinds.REOPENED_BY(ref=second.ref, actor="陈静"), ticket=second)
    _tell([digester], kinds.CUSTOMER_ACCEPTED(ref=first.ref), ticket=first)
    read = _tell([digester], kinds.GIVEN_TO_YOU(ref=second.ref, actor="陈静"), ticket=second)
    alarm = _tell([digester], kinds.SAFETY_COMPLAINT(ref=first.ref, site="Harbour Hotel"),
                  ticket=first, critical=True)
    assert [mail.notification_id for mail in _mails()] == [alarm[0].id]
    assert db.session.get(Notification, calm[0].id).digest_pending is True
    assert db.session.get(Notification, alarm[0].id).digest_pending is False
    db.session.get(Notification, read[0].id).read_at = BEFORE_EIGHT
    db.session.commit()

    assert send_digests(BEFORE_EIGHT + timedelta(minutes=30)) == 0  # 07:30 at the hotel
    assert _mails(DIGEST_MAIL_KIND) == []
    assert send_digests(AFTER_EIGHT) == 1
    db.session.commit()
    [digest] = _mails(DIGEST_MAIL_KIND)
    assert digest.to_address == "lin@example.com" and digest.due_at == AFTER_EIGHT
    assert digest.subject == "[Recovery Desk] 每日通知汇总：3 条未读"
    body = digest.body_text
    assert body.index(first.ref) < body.index(second.ref)
    assert f"- {first.ref}：客人发来了消息，请查看并回复。" in body
    assert f"- {first.ref}：客人已在状态页面接受了补救方案。" in body
    assert f"- {second.ref}：陈静 重新打开了这张工单。" in body
    assert "改派给您" not in body  # read in the app already
    assert "安全或健康" not in body  # mailed at once, not again
    assert f"/tickets/{first.ref}" in body
    [record] = db.session.scalars(select(NotificationDigest)).all()
    assert (record.user_id, record.day, record.notifications, record.outbox_id) == (
        digester.id, date(2026, 11, 23), 3, digest.id)
    assert db.session.scalars(select(Notification).where(
        Notification.digest_pending.is_(True))).all() == []
    listed = db.session.scalars(select(Notification.id).where(
        Notification.digest_id == record.id)).all()
    non_critical = db.session.scalars(select(Notification.id).where(
        Notification.critical.is_(False))).all()
    assert sorted(listed) == sorted(non_critical) and len(listed) == 4


def test_one_digest_a_day_and_later_ones_wait_for_tomorrow(app, digester):
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    assert send_digests(AFTER_EIGHT) == 1
    db.session.commit()
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000002"), at=AFTER_EIGHT)
    assert send_digests(AFTER_EIGHT + timedelta(hours=3)) == 0
    db.session.commit()
    assert len(_mails(DIGEST_MAIL_KIND)) == 1
    tomorrow = AFTER_EIGHT + timedelta(days=1)
    assert send_digests(tomorrow) == 1
    db.session.commit()
    second = _mails(DIGEST_MAIL_KIND)[-1]
    assert "SR-000002" in second.body_text and "SR-000001" not in second.body_text


def test_nothing_unread_means_no_mail_but_the_day_is_done(app, digester):
    [row] = _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    row.read_at = BEFORE_EIGHT
    db.session.commit()
    assert send_digests(AFTER_EIGHT) == 0
    db.session.commit()
    assert _mails() == []
    [record] = db.session.scalars(select(NotificationDigest)).all()
    assert (record.notifications, record.outbox_id) == (0, None)
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000002"), at=AFTER_EIGHT)
    assert send_digests(AFTER_EIGHT + timedelta(hours=1)) == 0


def test_without_the_digest_every_notification_is_mailed_on_its_own(app, make_user, hotel):
    person = make_user("front_desk", site=hotel, email="desk@example.com")
    _tell([person], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    _tell([person], kinds.CUSTOMER_WROTE(ref="SR-000002"))
    assert len(_mails(MAIL_KIND)) == 2
    assert send_digests(AFTER_EIGHT) == 0
    assert _mails(DIGEST_MAIL_KIND) == []


def test_turning_the_digest_off_still_mails_what_was_waiting(app, digester):
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    digester.daily_digest = False
    db.session.commit()
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000002"))
    assert len(_mails(MAIL_KIND)) == 1
    assert send_digests(AFTER_EIGHT) == 1
    db.session.commit()
    [digest] = _mails(DIGEST_MAIL_KIND)
    assert "SR-000001" in digest.body_text and "SR-000002" not in digest.body_text


def test_the_scheduled_job_commits_the_digests(app, digester, caplog):
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    clock.set_now(AFTER_EIGHT)
    with caplog.at_level("INFO", logger="jobs.schedule"):
        schedule.run_digests(app)
    db.session.rollback()
    assert len(_mails(DIGEST_MAIL_KIND)) == 1
    assert "notification digests: 1 mail(s) queued" in caplog.text


def test_the_digest_command(app, runner, digester):
    _tell([digester], kinds.CUSTOMER_WROTE(ref="SR-000001"))
    clock.set_now(AFTER_EIGHT)
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    assert "Daily digests queued: 1." in result.output
    db.session.rollback()
    assert len(_mails(DIGEST_MAIL_KIND)) == 1
