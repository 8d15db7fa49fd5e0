"""Create and read notifications. Plain functions: callers own the transaction.

A notification says a declared message (`notifications.kinds`), stored as its code and
parameters and rendered in the reader's language when read. Non-critical notifications
wait for the recipient's site hours (`deliver_after`); critical ones are delivered at
once. A recipient with an e-mail address also gets one mail, written in their language and
put in the outbox in the same transaction, due at `deliver_after`; `outbox.sender.send_due`
sends it (nothing here talks to SMTP). A recipient who chose the daily digest gets the
non-critical ones in it instead (`notifications.digest`).
"""

import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, func, select, update

from auth.models import User
from core.messages import Message, ensure_message
from core.vocabulary import Role
from extensions import db
from notifications.models import Notification
from notifications.wording import stored
from outbox.queue import enqueue
from outbox.smtp import SUBJECT_PREFIX
from sites.calendar import calendar_for
from sites.models import Site

MAIL_KIND = "staff_notification"


def _distinct_active(recipients: Iterable[User | None]) -> list[User]:
    seen, people = set(), []
    for person in recipients:
        if person is None or not person.active or person.id in seen:
            continue
        seen.add(person.id)
        people.append(person)
    return people


def mail_locale(person: User) -> str:
    """The language of mail to a member of staff: theirs, else the app's default (a mail
    has no browser to ask)."""
    return person.locale or current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"


@dataclass(frozen=True)
class Notice:
    """What `notify` is asked for, kept for a batch: `notify_all` writes many at once."""

    recipients: Iterable[User | None]
    kind: str
    message: Message
    ticket: object = None
    critical: bool = False
    link: str | None = None
    body_html: str | None = None


def notify(
    recipients: Iterable[User | None],
    kind: str,
    message: Message,
    *,
    ticket=None,
    critical: bool = False,
    now: datetime,
    link: str | None = None,
    body_html: str | None = None,
) -> list[Notification]:
    """One notification per distinct active recipient, added and flushed (not committed).

    `kind` says what happened (e.g. "sla_at_risk"); `message`, a declared Message, what
    the recipient is told. Non-critical ones become visible when the recipient's site next
    opens; critical ones at `now`. A recipient with an address also gets one outbox mail
    due at `deliver_after` (`body_html` is its HTML version), or, on the daily digest and
    not critical, a line in the next digest.
    """
    notice = Notice(recipients, kind, message, ticket=ticket, critical=critical, link=link,
                    body_html=body_html)
    return notify_all([notice], now=now)


def notify_all(notices: Iterable[Notice], *, now: datetime) -> list[Notification]:
    """Every notice's notifications, as `notify` writes them, in order: all rows added and
    flushed at once (one INSERT for a batch), then their mails queued."""
    rows, mails, opening = [], [], {}
    for notice in notices:
        ensure_message(notice.message, where="a notification")
        message = notice.message
        params = stored(message) if isinstance(message, Message) else None
        for person in _distinct_active(notice.recipients):
            if not notice.critical and person.site_id not in opening:
                opening[person.site_id] = calendar_for(person.site).next_open(now)
            deliver_after = now if notice.critical else opening[person.site_id]
            row = Notification(
                recipient=person, ticket=notice.ticket, kind=notice.kind,
                message=str(message), params=params, critical=notice.critical,
                link=notice.link, created_at=now, deliver_after=deliver_after,
            )
            rows.append(row)
            mails.append((row, notice.body_html))
    if rows:
        db.session.add_all(rows)
        db.session.flush()
    for row, body_html in mails:
        _queue_mail(row, body_html, now)
    if mails:
        db.session.flush()
    return rows


def _queue_mail(row: Notification, body_html: str | None, now: datetime) -> None:
    person = row.recipient
    if not person.email:
        return
    if person.daily_digest and not row.critical:
        row.digest_pending = True
        return
    with force_locale(mail_locale(person)):
        subject, body = compose(row, current_app.config)
    enqueue(kind=MAIL_KIND, to_address=row.recipient.email, subject=subject, body_text=body,
            body_html=body_html, due_at=row.deliver_after, notification_id=row.id, now=now,
            flush=False)


def active_supervisors(site: Site) -> list[User]:
    stmt = select(User).where(
        User.role == Role.SUPERVISOR, User.site_id == site.id, User.active.is_(True)
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def active_managers() -> list[User]:
    stmt = select(User).where(User.role == Role.MANAGER, User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.id)))


class StaffOnCall:
    """The active supervisors of each site and the active managers, each read once: one
    is made for a pass of a job that tells many tickets' people (the sweep) and passed
    down, so the pass reads them once, not once a ticket."""

    def __init__(self) -> None:
        self._supervisors: dict[int, list[User]] = {}
        self._managers: list[User] | None = None

    def supervisors(self, site: Site) -> list[User]:
        """As `active_supervisors(site)`, read on first use."""
        if site.id not in self._supervisors:
            self._supervisors[site.id] = active_supervisors(site)
        return list(self._supervisors[site.id])

    def managers(self) -> list[User]:
        """As `active_managers()`, read on first use."""
        if self._managers is None:
            self._managers = active_managers()
        return list(self._managers)


def _delivered(user: User, now: datetime):
    return (Notification.recipient_id == user.id, Notification.deliver_after <= now)


def unread_count(user: User, now: datetime) -> int:
    """Delivered (deliver_after <= now) and unread notifications of `user`."""
    stmt = select(func.count(Notification.id)).where(
        *_delivered(user, now), Notification.read_at.is_(None)
    )
    return db.session.scalar(stmt) or 0


def visible_for(user: User, now: datetime, *, unread_only: bool = False) -> Select:
    """The user's delivered notifications, newest delivery first."""
    stmt = select(Notification).where(*_delivered(user, now))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.deliver_after.desc(), Notification.id.desc())


def mark_read(user: User, notification_id: int, now: datetime) -> bool:
    """Mark one of the user's own delivered notifications read; False if there is none."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.recipient_id != user.id or row.deliver_after > now:
        return False
    if row.read_at is None:
        row.read_at = now
    return True


def mark_all_read(user: User, now: datetime) -> int:
    """Mark every delivered unread notification of the user read; returns how many."""
    stmt = (
        update(Notification)
        .where(*_delivered(user, now), Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return db.session.execute(stmt).rowcount


def shortened(text: str, width: int) -> str:
    """At most `width` characters: cut at a space where there is one (English), else at the
    width (Chinese has no spaces between words), with "…"."""
    if len(text) <= width:
        return text
    cut = textwrap.shorten(text, width=width, placeholder="…")
    return cut if len(cut) > width // 2 else text[:width - 1] + "…"


def page_url(row: Notification, config: Mapping) -> str | None:
    """The full address of the page a notification is about (its ticket, else its link)."""
    if row.ticket_ref:
        return f"{config['SITE_URL'].rstrip('/')}/tickets/{row.ticket_ref}"
    if row.link:
        return f"{config['SITE_URL'].rstrip('/')}{row.link}"
    return None


def mark_ticket_read(user: User, ticket_id: int, now: datetime) -> int:
    """Mark the user's delivered unread notifications about one ticket read; how many."""
    stmt = (
        update(Notification)
        .where(*_delivered(user, now), Notification.read_at.is_(None),
               Notification.ticket_id == ticket_id)
        .values(read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return db.session.execute(stmt).rowcount


def compose(row: Notification, config: Mapping) -> tuple[str, str]:
    """Subject and plain-text body of a notification's mail, in the current locale."""
    text = row.text.strip()
    first_line = text.splitlines()[0] if text else row.kind
    subject = SUBJECT_PREFIX + shortened(first_line, 70)
    url = page_url(row, config)
    return subject, text + (f"\n\n{url}" if url else "")
