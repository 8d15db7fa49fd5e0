"""The privacy log: what was done to a customer's personal data, by whom, when.

One row per export or erasure, also for a customer without tickets (whose erasure no ticket
event could record). A row never holds the personal data itself: only counts and the reason.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.db_types import UTCDateTime
from customers.models import Customer
from extensions import db

EXPORTED = "exported"
ERASED = "erased"
ON_REQUEST = "request"
BY_RETENTION = "retention"


class PrivacyLogEntry(db.Model):
    """`action`: exported or erased; `reason`: request (a person asked) or retention (the
    daily job, `actor` None); `details`: counts such as {"tickets": 3}."""

    __tablename__ = "privacy_log"
    __table_args__ = (Index("ix_privacy_log_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    customer: Mapped[Customer] = relationship()
    actor: Mapped[User | None] = relationship()


def log_entry(customer: Customer, action: str, reason: str, actor: User | None,
              now: datetime, details: dict) -> PrivacyLogEntry:
    """Add one row to the log (in the caller's transaction)."""
    entry = PrivacyLogEntry(customer=customer, action=action, reason=reason, actor=actor,
                            at=now, details=details)
    db.session.add(entry)
    return entry
