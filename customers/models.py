"""The Customer model."""

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, Integer, String, Text, column, table, text
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

# The customer search on SQLite (customers.services, migration f14e): an FTS5 table with the
# trigram tokenizer over the three columns the search matches. It stores no copy of them
# (external content: it reads them from the customers table); its index is kept by the
# triggers below, and `rebuild` fills it again from the customers table.
SEARCH_TABLE = "customers_search"
# The table as the search queries it: `rowid` is the customer's id, and the column named
# after the table takes the MATCH query.
customer_search = table(SEARCH_TABLE, column("rowid", Integer), column(SEARCH_TABLE, Text))
SEARCH_TABLE_DDL = (
    "CREATE VIRTUAL TABLE customers_search USING fts5(name_key, email, phone_digits, "
    "content='customers', content_rowid='id', tokenize='trigram case_sensitive 0')"
)
_INDEX_NEW = ("INSERT INTO customers_search(rowid, name_key, email, phone_digits) "
              "VALUES (new.id, new.name_key, new.email, new.phone_digits);")
_UNINDEX_OLD = ("INSERT INTO customers_search(customers_search, rowid, name_key, email, "
                "phone_digits) VALUES ('delete', old.id, old.name_key, old.email, "
                "old.phone_digits);")
# (name, CREATE TRIGGER). An update touches the index only when it sets a column the index
# holds: a new tier, or an erasure's claim of `erased_at`, does not.
SEARCH_TRIGGERS = (
    ("customers_search_insert",
     f"CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN {_INDEX_NEW} END"),
    ("customers_search_delete",
     f"CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN {_UNINDEX_OLD} END"),
    ("customers_search_update",
     "CREATE TRIGGER customers_search_update AFTER UPDATE OF id, name_key, email, phone_digits "
     f"ON customers BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END"),
)
SEARCH_REBUILD = "INSERT INTO customers_search(customers_search) VALUES('rebuild')"


def is_search_table(name: str) -> bool:
    """The FTS5 table or one of the shadow tables SQLite keeps for it (`_data`, `_idx`,
    `_docsize`, `_config`): the database's own, not tables of the models."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def _on_sqlite(statement: str) -> DDL:
    return DDL(statement).execute_if(dialect="sqlite")


# create_all (the tests) builds the search table and its triggers after the customers table,
# as the migration does; drop_all drops it before (the triggers go with the customers table).
SEARCH_LISTENERS = [
    ("after_create", _on_sqlite(SEARCH_TABLE_DDL)),
    *(("after_create", _on_sqlite(ddl)) for _name, ddl in SEARCH_TRIGGERS),
    ("before_drop", _on_sqlite("DROP TABLE IF EXISTS customers_search")),
]


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_site_phone", "site_id", "phone_digits"),
        Index("ix_customers_site_email", "site_id", "email"),
        Index("ix_customers_site_name", "site_id", "name_key"),
        # Contains search (customers.services, tickets.queries.matching; migration f14b):
        # GIN trigram indexes on PostgreSQL. On SQLite each is an empty placeholder (WHERE 0)
        # so that both schemas name the same indexes; the customer search reads the FTS5
        # table `customers_search` (above) there instead.
        Index("ix_customers_name_key_trgm", "name_key", postgresql_using="gin",
              postgresql_ops={"name_key": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_customers_phone_digits_trgm", "phone_digits", postgresql_using="gin",
              postgresql_ops={"phone_digits": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_customers_email_trgm", "email", postgresql_using="gin",
              postgresql_ops={"email": "gin_trgm_ops"}, sqlite_where=text("0")),
        # The operator class above comes with pg_trgm: create_all (the tests) enables it
        # first, as the migration does.
        {"listeners": [("before_create", DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                        .execute_if(dialect="postgresql")), *SEARCH_LISTENERS]},
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
