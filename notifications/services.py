"""Create, read and deliver notifications. Plain functions: callers own the transaction.

Non-critical notifications wait for the recipient's site hours (`deliver_after`); critical
ones are delivered at once and their e-mail goes out right after the creating transaction
commits. Any mail not sent then is picked up by :func:`send_due_mail` (the SLA sweep).
"""

import logging
import textwrap
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Select, event, func, select, update
from sqlalchemy.orm import Session, selectinload

from auth.models import User
from core.clock import utcnow
from extensions import db
from notifications import mail
from notifications.models import Notification
from sites.calendar import calendar_for
from sites.models import Site

log = logging.getLogger("notifications.mail")
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = 6
CRITICAL_IDS_KEY = "notifications.critical_ids"


def _distinct_active(recipients: Iterable[User | None]) -> list[User]:
    seen, people = set(), []
    for person in recipients:
        if person is None or not person.active or person.id in seen:
            continue
        seen.add(person.id)
        people.append(person)
    return people


def notify(
    recipients: Iterable[User | None],
    kind: str,
    message: str,
    *,
    ticket=None,
    critical: bool = False,
    now: datetime,
    link: str | None = None,
    body_html: str | None = None,
) -> list[Notification]:
    """One notification per distinct active recipient, added and flushed (not committed).

    Non-critical ones become visible when the recipient's site next opens; critical ones
    at `now`. E-mail is pending (due at `deliver_after`) when the recipient has an address.
    """
    rows, opening = [], {}
    for person in _distinct_active(recipients):
        if not critical and person.site_id not in opening:
            opening[person.site_id] = calendar_for(person.site).next_open(now)
        deliver_after = now if critical else opening[person.site_id]
        row = Notification(
            recipient=person, ticket=ticket, kind=kind, message=message, critical=critical,
            link=link, body_html=body_html,
            created_at=now, deliver_after=deliver_after, email_attempts=0,
            email_status="pending" if person.email else "none",
            next_email_at=deliver_after if person.email else None,
        )
        db.session.add(row)
        rows.append(row)
    if rows:
        db.session.flush()
    if critical:
        _send_after_commit(db.session, [row.id for row in rows if row.email_status == "pending"])
    return rows


def active_supervisors(site: Site) -> list[User]:
    stmt = select(User).where(
        User.role == "supervisor", User.site_id == site.id, User.active.is_(True)
    )
    return list(db.session.scalars(stmt.order_by(User.id)))


def active_managers() -> list[User]:
    stmt = select(User).where(User.role == "manager", User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.id)))


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


def _pending_due(now: datetime) -> Select:
    return (
        select(Notification)
        .where(Notification.email_status == "pending", Notification.next_email_at <= now)
        .options(selectinload(Notification.recipient))
        .order_by(Notification.next_email_at, Notification.id)
        .with_for_update(skip_locked=True)
    )


def send_due_mail(now: datetime, limit: int = 100) -> dict:
    """Send every pending mail due by `now` (at most `limit`); the caller commits.

    Returns the outcomes that happened, e.g. ``{"sent": 2, "retry": 1}`` (empty when
    nothing was due). Outcomes: sent, logged, retry, failed, none.
    """
    rows = db.session.scalars(_pending_due(now).limit(limit)).all()
    return _deliver_all(rows, now, current_app.config)


def _deliver_all(rows: Iterable[Notification], now: datetime, config: Mapping) -> dict:
    counts: dict[str, int] = {}
    for row in rows:
        outcome = _deliver(row, now, config)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def compose(row: Notification, config: Mapping) -> tuple[str, str]:
    """Subject and plain-text body of a notification's mail."""
    first_line = row.message.strip().splitlines()[0] if row.message.strip() else row.kind
    subject = mail.SUBJECT_PREFIX + textwrap.shorten(first_line, width=70, placeholder="…")
    body = row.message
    if row.ticket_ref:
        body += f"\n\n{config['SITE_URL'].rstrip('/')}/tickets/{row.ticket_ref}"
    elif row.link:
        body += f"\n\n{config['SITE_URL'].rstrip('/')}{row.link}"
    return subject, body


def _deliver(row: Notification, now: datetime, config: Mapping) -> str:
    to = row.recipient.email
    if not to:
        row.email_status, row.next_email_at = "none", None
        return "none"
    subject, body = compose(row, config)
    if not config.get("SMTP_URL"):
        log.info("mail not sent (no SMTP_URL) to %s: %s", to, subject)
        row.email_status, row.next_email_at = "logged", None
        return "logged"
    row.email_attempts += 1
    try:
        mail.send_mail(config, to, subject, body, html=row.body_html)
    except Exception:
        log.warning("mail to %s failed (attempt %d)", to, row.email_attempts, exc_info=True)
        return _retry_later(row, now)
    row.email_status, row.next_email_at = "sent", None
    return "sent"


def _retry_later(row: Notification, now: datetime) -> str:
    """Back off 1, 5, 15, 60, 240 minutes; give up after MAX_ATTEMPTS attempts."""
    if row.email_attempts >= MAX_ATTEMPTS:
        row.email_status, row.next_email_at = "failed", None
        return "failed"
    row.next_email_at = now + timedelta(minutes=BACKOFF_MINUTES[row.email_attempts - 1])
    return "retry"


def _send_after_commit(session, ids: list[int]) -> None:
    if ids:
        session.info.setdefault(CRITICAL_IDS_KEY, set()).update(ids)


def send_now(ids: Iterable[int], now: datetime) -> dict:
    """Send the pending mail of the given notifications in a transaction of its own."""
    with Session(db.engine) as session:
        stmt = _pending_due(now).where(Notification.id.in_(list(ids)))
        counts = _deliver_all(session.scalars(stmt).all(), now, current_app.config)
        session.commit()
    return counts


def _on_commit(session) -> None:
    """After a commit: mail the critical notifications it created. Never raises; what is
    not sent stays pending for `send_due_mail`."""
    ids = session.info.pop(CRITICAL_IDS_KEY, None)
    if not ids or not has_app_context():
        return
    try:
        send_now(ids, utcnow())
    except Exception:
        log.exception("immediate mail of critical notifications failed; the sweep retries")


def _on_rollback(session) -> None:
    session.info.pop(CRITICAL_IDS_KEY, None)


if not event.contains(db.session, "after_commit", _on_commit):
    event.listen(db.session, "after_commit", _on_commit)
    event.listen(db.session, "after_rollback", _on_rollback)
