"""The Notification model: one row per recipient, shown in-app (its e-mail is an outbox row,
or a line of the recipient's daily digest); the digests sent."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from notifications.wording import text_of
from tickets.models import Ticket, format_ref


class Notification(db.Model):
    """A message to one person, visible from `deliver_after` on.

    What it says is `params`: the code of a declared message and its parameters
    (`notifications.wording`), rendered in the reader's language when read (`text`).
    `message` keeps the English text, shown only when `params` cannot be read.

    When the recipient has an e-mail address, `notify` also puts one mail (with its HTML
    version, if any) in the outbox, due at `deliver_after`
    (`outbox.models.OutboxMessage.notification_id` points here) — unless the recipient
    chose the daily digest and the notification is not critical: it then waits, marked
    `digest_pending`, for the next digest (`notifications.digest`).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_deliver", "recipient_id", "deliver_after"),
        Index("ix_notifications_digest_pending", "digest_pending", "deliver_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, doc="English; shown when params cannot be read")
    params: Mapped[dict | None] = mapped_column(JSON, doc="the message's code and parameters")
    link: Mapped[str | None] = mapped_column(String(300), doc="a page of the app, when no ticket")
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The daily digest that listed it: a plain id (migration f13b adds no foreign key to
    # this table, which SQLite could only do by rebuilding it).
    digest_id: Mapped[int | None] = mapped_column(Integer)

    recipient: Mapped[User] = relationship()
    ticket: Mapped[Ticket | None] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} to {self.recipient_id}>"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def ticket_ref(self) -> str | None:
        """The ticket's reference (e.g. SR-000123) without loading the ticket."""
        return format_ref(self.ticket_id) or None

    @property
    def text(self) -> str:
        """What it says, in the current locale."""
        return text_of(self)


class NotificationDigest(db.Model):
    """One daily digest of a user's non-critical notifications: at most one per user and
    day (the site's calendar day), recorded even when nothing was left unread to mail."""

    __tablename__ = "notification_digests"
    __table_args__ = (
        Index("ix_notification_digests_user_day", "user_id", "day", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    notifications: Mapped[int] = mapped_column(Integer, doc="how many it listed")
    # Its mail's outbox row (none when nothing was left unread). A plain id, not a foreign
    # key: the outbox points at notifications, which point here (no cycle of keys).
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
