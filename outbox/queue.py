"""Putting mail in the outbox: part of the caller's business transaction.

:func:`enqueue` adds one row to the current session and flushes; it never commits. The
mail therefore exists exactly when the change that caused it is committed, and a rolled
back change leaves no mail behind. Sending is :mod:`outbox.sender`'s job alone.
"""

from datetime import datetime
from email.utils import make_msgid

from core.clock import utcnow
from extensions import db
from outbox.models import OutboxMessage


def enqueue(
    *,
    kind: str,
    to_address: str,
    subject: str,
    body_text: str,
    due_at: datetime,
    body_html: str | None = None,
    notification_id: int | None = None,
    follow_up_id: int | None = None,
    ticket_id: int | None = None,
    message_id: str | None = None,
    reply_to: str | None = None,
    in_reply_to: str | None = None,
    now: datetime | None = None,
    channel: str = "email",
    webhook_endpoint_id: int | None = None,
    flush: bool = True,
) -> OutboxMessage:
    """Add one pending mail to `to_address`, first tried at `due_at` (aware); flushed
    unless `flush` is false (a caller queueing many flushes them once).

    `message_id` (e.g. from `new_message_id`), `reply_to` and `in_reply_to` become the
    mail's headers; `now` is the creation time (the clock's now when not given).
    `channel` other than ``email`` travels by the transport registered for it
    (`outbox.transports`); `webhook_endpoint_id` names a webhook delivery's endpoint.
    """
    if not to_address or not to_address.strip():
        raise ValueError("an outbox message needs an address")
    if due_at.tzinfo is None:
        raise ValueError("due_at must be an aware datetime")
    row = OutboxMessage(
        kind=kind,
        to_address=to_address.strip(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        created_at=now or utcnow(),
        due_at=due_at,
        status="pending",
        attempts=0,
        next_attempt_at=due_at,
        notification_id=notification_id,
        follow_up_id=follow_up_id,
        ticket_id=ticket_id,
        channel=channel,
        message_id=message_id,
        reply_to=reply_to,
        in_reply_to=in_reply_to,
        webhook_endpoint_id=webhook_endpoint_id,
    )
    db.session.add(row)
    if flush:
        db.session.flush()
    return row


def new_message_id(domain: str) -> str:
    """A fresh, globally unique Message-ID such as ``<1701…@hotel.example>``."""
    return make_msgid(domain=domain or "recovery-desk.invalid")
