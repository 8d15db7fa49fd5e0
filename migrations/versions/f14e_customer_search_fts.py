"""Customer search on SQLite: an FTS5 trigram table kept by triggers

Revision ID: f14e_customer_search_fts
Revises: f14d_site_settings_stamp
Create Date: 2026-12-09 10:00:00

SQLite: the customer search ("contains" on the name, prefix on the e-mail and the phone
digits) read the whole customers table. This revision creates the FTS5 table
`customers_search` with the trigram tokenizer over customers.name_key, email and
phone_digits, as an external-content table (it reads the values from customers, it stores
only its index), fills it from the customers already stored (`rebuild`) and creates the
triggers that keep it after every insert, update and delete of a customer. The search asks
it for the candidates (3 characters and more) and looks each customer up by id.

PostgreSQL: nothing (its GIN trigram indexes of f14b serve the search).

The statements are written here as they stood at this revision (customers.models holds the
same for `create_all`).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f14e_customer_search_fts'
down_revision = 'f14d_site_settings_stamp'
branch_labels = None
depends_on = None

CREATE_TABLE = (
    "CREATE VIRTUAL TABLE customers_search USING fts5(name_key, email, phone_digits, "
    "content='customers', content_rowid='id', tokenize='trigram case_sensitive 0')"
)
INDEX_NEW = ("INSERT INTO customers_search(rowid, name_key, email, phone_digits) "
             "VALUES (new.id, new.name_key, new.email, new.phone_digits);")
UNINDEX_OLD = ("INSERT INTO customers_search(customers_search, rowid, name_key, email, "
               "phone_digits) VALUES ('delete', old.id, old.name_key, old.email, "
               "old.phone_digits);")
TRIGGERS = (
    ("customers_search_insert",
     f"CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN {INDEX_NEW} END"),
    ("customers_search_delete",
     f"CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN {UNINDEX_OLD} END"),
    ("customers_search_update",
     "CREATE TRIGGER customers_search_update AFTER UPDATE OF id, name_key, email, phone_digits "
     f"ON customers BEGIN {UNINDEX_OLD} {INDEX_NEW} END"),
)


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    op.execute(CREATE_TABLE)
    op.execute("INSERT INTO customers_search(customers_search) VALUES('rebuild')")
    for _name, ddl in TRIGGERS:
        op.execute(ddl)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name, _ddl in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS customers_search")
