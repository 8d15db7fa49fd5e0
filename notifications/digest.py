"""The daily digest: non-critical notifications by e-mail once a day, for those who chose it.

A user on the digest (`User.daily_digest`) still sees every notification in the app as it
is delivered, and still gets critical ones by e-mail at once; the others are not mailed one
by one (`notify` marks them `digest_pending`). Once a day, from `DIGEST_HOUR` in the
user's site's time, `send_digests` puts one mail in the outbox listing, ticket by ticket,
those of them delivered by then and still unread (what was read in the app is not mailed
again), and records the digest (`NotificationDigest`, one per user and site day, so a
second run that day sends nothing). Notifications delivered after that wait for the next
day's digest. Pending ones of someone who since turned the digest off go out in a last one.

The mail is written in the recipient's language. Nothing here talks to SMTP and nothing
commits: the scheduled job (`jobs.schedule.run_digests`) commits, the outbox sends.
"""

from collections import defaultdict
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from auth.models import User
from core.formatting import site_zone
from extensions import db
from notifications.models import Notification, NotificationDigest
from notifications.services import mail_locale, page_url
from outbox.queue import enqueue
from outbox.smtp import SUBJECT_PREFIX

DIGEST_HOUR = 8
DIGEST_MAIL_KIND = "staff_digest"


def _waiting(now: datetime) -> dict[int, list[Notification]]:
    """Each recipient's pending digest notifications delivered by `now`, oldest first."""
    stmt = (
        select(Notification)
        .where(Notification.digest_pending.is_(True), Notification.deliver_after <= now)
        .options(joinedload(Notification.recipient).joinedload(User.site))
        .order_by(Notification.recipient_id, Notification.deliver_after, Notification.id)
    )
    found: dict[int, list[Notification]] = defaultdict(list)
    for row in db.session.scalars(stmt):
        found[row.recipient_id].append(row)
    return found


def _site_day(person: User, now: datetime):
    """The day at the person's site, or None before `DIGEST_HOUR` there."""
    local = now.astimezone(site_zone(person.site))
    return local.date() if local.hour >= DIGEST_HOUR else None


def _already_sent(user_ids: list[int], days: dict[int, object]) -> set[int]:
    if not user_ids:
        return set()
    stmt = select(NotificationDigest.user_id, NotificationDigest.day).where(
        NotificationDigest.user_id.in_(user_ids),
        NotificationDigest.day.in_({days[user_id] for user_id in user_ids}))
    return {user_id for user_id, day in db.session.execute(stmt) if days.get(user_id) == day}


def send_digests(now: datetime) -> int:
    """Every digest due at `now` (module docstring); returns how many mails were queued."""
    waiting = _waiting(now)
    days = {user_id: _site_day(rows[0].recipient, now) for user_id, rows in waiting.items()}
    due = [user_id for user_id, day in days.items() if day is not None]
    sent_today = _already_sent(due, days)
    mails = 0
    for user_id in due:
        if user_id in sent_today:
            continue
        mails += _digest(waiting[user_id], days[user_id], now)
    db.session.flush()
    return mails


def _digest(rows: list[Notification], day, now: datetime) -> int:
    """One user's digest: their mail (when something is unread and they have an address)
    and its record; the rows leave the waiting list. 1 when a mail was queued."""
    person = rows[0].recipient
    unread = [row for row in rows if row.read_at is None]
    digest = NotificationDigest(user_id=person.id, day=day, notifications=len(unread),
                                sent_at=now)
    db.session.add(digest)
    db.session.flush()
    if unread and person.email:
        with force_locale(mail_locale(person)):
            subject, body = compose_digest(unread, current_app.config)
        mail = enqueue(kind=DIGEST_MAIL_KIND, to_address=person.email, subject=subject,
                       body_text=body, due_at=now, now=now)
        digest.outbox_id = mail.id
    for row in rows:
        row.digest_pending = False
        row.digest_id = digest.id
    return 1 if digest.outbox_id else 0


def compose_digest(rows: list[Notification], config) -> tuple[str, str]:
    """Subject and plain-text body of a digest, in the current locale: the notifications
    grouped by ticket (those about no ticket last), each with its page's address."""
    subject = SUBJECT_PREFIX + _("Your daily digest: %(count)s unread notification(s)",
                                 count=len(rows))
    groups: dict[int | None, list[Notification]] = defaultdict(list)
    for row in rows:
        groups[row.ticket_id].append(row)
    order = sorted(groups, key=lambda ticket_id: (ticket_id is None, ticket_id or 0))
    lines = [_("What you were told and have not read yet, ticket by ticket:"), ""]
    for ticket_id in order:
        first = groups[ticket_id][0]
        if ticket_id is not None:
            lines.append(f"{first.ticket_ref} — {page_url(first, config)}")
        for row in groups[ticket_id]:
            lines.append(f"- {row.text}")
            if ticket_id is None and page_url(row, config):
                lines.append(f"  {page_url(row, config)}")
        lines.append("")
    lines.append(_("Critical notifications still come by e-mail at once. You can turn the "
                   "daily digest off on your account page."))
    return subject, "\n".join(lines)
