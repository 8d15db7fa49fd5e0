"""Every message that reached the intake, and what became of it.

One row per `Message-ID` (unique), so the same message delivered twice is recognised and
creates nothing the second time. `status` says what happened:

- ``opened``: it opened a new ticket (`ticket_id`);
- ``added``: it was added to the ticket it answers;
- ``reopened``: it answered a recently closed ticket and reopened it;
- ``ignored``: an auto-reply, a bounce, a loop or our own mail (`reason` says which);
- ``malformed``: it could not be understood; `raw` keeps the bytes for a person to look at.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db

STATUSES = ("opened", "added", "reopened", "ignored", "malformed")


class InboundMail(db.Model):
    __tablename__ = "inbound_mail"
    __table_args__ = (
        Index("ix_inbound_mail_status_received", "status", "received_at"),
        Index("ix_inbound_mail_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str | None] = mapped_column(String(250), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_address: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(300), default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    size: Mapped[int] = mapped_column(Integer, default=0)
    attachments_skipped: Mapped[str] = mapped_column(
        Text, default="", doc="names of attachments listed but not stored, one per line"
    )
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, doc="kept only when malformed")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<InboundMail {self.id} {self.status}>"
