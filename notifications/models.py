"""The Notification model: one row per recipient, shown in-app and optionally e-mailed."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from tickets.models import Ticket, format_ref

EMAIL_STATUSES = ("none", "pending", "sent", "logged", "failed")


class Notification(db.Model):
    """A message to one person. It is visible (and sendable) from `deliver_after` on.

    `email_status`: "none" (no address), "pending" (due at `next_email_at`), "sent",
    "logged" (no SMTP configured: written to the log) or "failed" (gave up after retries).
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_deliver", "recipient_id", "deliver_after"),
        Index("ix_notifications_email_due", "email_status", "next_email_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, doc="an HTML version of the mail")
    link: Mapped[str | None] = mapped_column(String(300), doc="a page of the app, when no ticket")
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deliver_after: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(12), default="none")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_email_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
