"""The outbox table: one row per outgoing mail, from enqueue until it is sent or given up.

Life of a row (`status`):

- ``pending``: waiting; the sender takes it once `next_attempt_at` has come.
- ``sending``: claimed by a sender until `claimed_until` (the lease). A row still
  ``sending`` after its lease ended belongs to a sender that died mid-send; the next pass
  claims it again.
- ``sent``: the SMTP server accepted it (`sent_at`).
- ``logged``: no SMTP server is configured, so one log line was written instead.
- ``failed``: every attempt failed; the sender gave up (`last_error` says why).

`channel` says how it travels: ``email`` (SMTP), or a channel a higher package registered
a transport for (`outbox.transports`; ``webhook``: an HTTPS POST to `to_address`, a URL,
for the endpoint `webhook_endpoint_id`). Mail to a customer carries our own `message_id`
(remembered, so a reply's In-Reply-To finds the ticket), a `reply_to` that routes back to
the ticket, and `in_reply_to` when it answers a customer's mail; `ticket_id` names the
ticket it is about.

`attempts` counts claims (each claim is one try). `last_error` is a short text of the last
failure and never holds the SMTP password; `last_status` is the remote end's last answer
where the channel has one (a webhook's HTTP status). `notification_id` and `follow_up_id` are plain
foreign keys to the row that caused the mail, so pages can tell what became of it; this
package maps no relationship to them.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db

STATUSES = ("pending", "sending", "sent", "logged", "failed")
ERROR_LENGTH = 300


class OutboxMessage(db.Model):
    """One outgoing mail to one address."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_outbox_status_claimed_until", "status", "claimed_until"),
        Index("ix_outbox_notification", "notification_id"),
        Index("ix_outbox_follow_up", "follow_up_id"),
        Index("ix_outbox_ticket", "ticket_id"),
        Index("ix_outbox_webhook_endpoint", "webhook_endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    channel: Mapped[str] = mapped_column(String(20), default="email", server_default="email")
    message_id: Mapped[str | None] = mapped_column(String(250), unique=True)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    in_reply_to: Mapped[str | None] = mapped_column(String(250))
    webhook_endpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_endpoints.id"))
    last_status: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
