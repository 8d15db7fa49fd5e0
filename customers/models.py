"""The Customer model."""

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth.models import User
from core.clock import utcnow
from core.db_types import UTCDateTime
from extensions import db
from sites.models import Site

TIERS = ("standard", "key", "vip")
LOCALES = ("en", "zh_Hans")
# The audit change ["on file", "erased"] of `customer_email` that privacy.erasure writes on
# each ticket of an erased customer who had an address; reports.sets reads it so a figure
# about customers with an address stays what it was before the erasure.
EMAIL_ON_FILE = "on file"


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_site_phone", "site_id", "phone_digits"),
        Index("ix_customers_site_email", "site_id", "email"),
        Index("ix_customers_site_name", "site_id", "name_key"),
        # Contains search (customers.services, tickets.queries.matching; migration f14b):
        # GIN trigram indexes on PostgreSQL. SQLite has no trigram index: there each is an
        # empty placeholder (WHERE 0) so that both schemas name the same indexes.
        Index("ix_customers_name_key_trgm", "name_key", postgresql_using="gin",
              postgresql_ops={"name_key": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_customers_phone_digits_trgm", "phone_digits", postgresql_using="gin",
              postgresql_ops={"phone_digits": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_customers_email_trgm", "email", postgresql_using="gin",
              postgresql_ops={"email": "gin_trgm_ops"}, sqlite_where=text("0")),
        # The operator class above comes with pg_trgm: create_all (the tests) enables it
        # first, as the migration does.
        {"listeners": [("before_create", DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                        .execute_if(dialect="postgresql"))]},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), doc="lower-cased name, for search")
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_digits: Mapped[str | None] = mapped_column(String(40), doc="digits only, for search")
    email: Mapped[str | None] = mapped_column(String(254))
    tier: Mapped[str] = mapped_column(String(10), default="standard")
    preferred_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(
        String(8), default="en", server_default="en", doc="language of surveys and mail"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, doc="when their personal data was erased (privacy.erasure); never again"
    )

    site: Mapped[Site] = relationship()
    preferred_owner: Mapped[User | None] = relationship()
    # Mapped in tickets.models, which sits above customers (registered by create_app):
    # read-only and newest first, for the customer's history. Opening a ticket does not
    # append to an already loaded list; read it in a fresh request.
    tickets: Mapped[list["Ticket"]] = relationship(  # noqa: F821
        viewonly=True, order_by="Ticket.created_at.desc()"
    )

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name}>"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def contact_line(self) -> str:
        return " · ".join(part for part in (self.phone, self.email) if part)
