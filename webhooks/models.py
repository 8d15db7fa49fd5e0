"""A manager's webhook endpoint: where events go, which ones, for which site, signed how.

`events` is the list of event types it subscribed to (`webhooks.events.EVENT_TYPES`);
`site_id` None means every site. `secret` signs every delivery (`webhooks.signing`): it is
shown to the manager when the endpoint is created and each time it is rotated, never on a
list. An endpoint is never deleted, only deactivated (its deliveries in the outbox keep
pointing at it). `last_status`, `last_delivery_at` and `consecutive_failures` are written
by the transport after each attempt: the last HTTP status (None for a network error), when
it was tried, and the failed attempts since the last success.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from sites.models import Site

URL_LENGTH = 320  # the outbox's address column carries the URL of each delivery
DESCRIPTION_LENGTH = 200
SECRET_LENGTH = 80


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_active", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH), default="")
    events: Mapped[list] = mapped_column(JSON, default=list)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    secret: Mapped[str] = mapped_column(String(SECRET_LENGTH))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_delivery_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)

    site: Mapped[Site | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def wants(self, event_type: str) -> bool:
        """True when this endpoint subscribed to `event_type` (which endpoints are active
        and cover a ticket's site is `webhooks.emit`'s query)."""
        return event_type in (self.events or [])

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"
