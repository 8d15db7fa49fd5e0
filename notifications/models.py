"""The Notification model: one row per recipient, shown in-app (its e-mail is an outbox row)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from tickets.models import Ticket, format_ref


class Notification(db.Model):
    """A message to one person, visible from `deliver_after` on.

    When the recipient has an e-mail address, `notify` also puts one mail (with its HTML
    version, if any) in the outbox, due at `deliver_after`
    (`outbox.models.OutboxMessage.notification_id` points here).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_deliver", "recipient_id", "deliver_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300), doc="a page of the app, when no ticket")
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
