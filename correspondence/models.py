"""What was written between the hotel and the customer, and the managers' canned replies.

A `CustomerMessage` is one message on a ticket, either way: ``out`` (written by staff or
the system to the customer: the acknowledgement, a reply, the fix offer, the resolution
summary) or ``in`` (the customer's own words arriving by the status page or by e-mail).
An outgoing message is delivered through the outbox (`outbox_id`); one that could not be
mailed (no address, or staff chose not to send) keeps `outbox_id` empty and its
`short_text` for staff to pass on by hand. Internal notes are ticket events, never here.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from tickets.models import Ticket

DIRECTIONS = ("in", "out")


class CustomerMessage(db.Model):
    __tablename__ = "customer_messages"
    __table_args__ = (
        Index("ix_customer_messages_ticket_id", "ticket_id", "id"),
        Index("ix_customer_messages_mail_message_id", "mail_message_id"),
        Index("ix_customer_messages_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), doc="email, web, status_page, desk")
    body: Mapped[str] = mapped_column(Text)
    short_text: Mapped[str] = mapped_column(Text, default="", doc="plain form, to copy by hand")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    mail_message_id: Mapped[str | None] = mapped_column(
        String(250), doc="our Message-ID (out) or the customer's (in)"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<CustomerMessage {self.id} {self.direction} {self.kind}>"

    @property
    def is_from_customer(self) -> bool:
        return self.direction == "in"


class ReplyTemplate(db.Model):
    """A canned reply in one language; placeholders such as {customer} are filled in when a
    member of staff picks it, and they edit the text before sending."""

    __tablename__ = "reply_templates"
    __table_args__ = (Index("ix_reply_templates_locale_title", "locale", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
