"""Search at scale: trigram indexes for contains matching (pg_trgm on PostgreSQL)

Revision ID: f14b_search
Revises: f14a_scale
Create Date: 2026-12-03 18:00:00

PostgreSQL: enables the pg_trgm extension and builds GIN trigram indexes on the columns the
customer search and the ticket list search match with LIKE/ILIKE (customers.name_key,
phone_digits, email; tickets.description, booking_ref). Each index is on the raw column,
the expression the queries compare. The indexes are built inside the migration's
transaction, which holds off writes to the table meanwhile; on a large live database build
them first with `CREATE INDEX CONCURRENTLY <name> ON <table> USING gin (<column>
gin_trgm_ops)` under the same names: this revision then leaves them as they are.

SQLite has no trigram index: each index is an empty placeholder (`WHERE 0`, nothing stored,
nothing to maintain), so that both schemas name the same indexes as the models do.
"""
import sqlalchemy as sa
from alembic import op
from alembic.util import CommandError

# revision identifiers, used by Alembic.
revision = 'f14b_search'
down_revision = 'f14a_scale'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_customers_name_key_trgm', 'customers', 'name_key'),
    ('ix_customers_phone_digits_trgm', 'customers', 'phone_digits'),
    ('ix_customers_email_trgm', 'customers', 'email'),
    ('ix_tickets_description_trgm', 'tickets', 'description'),
    ('ix_tickets_booking_ref_trgm', 'tickets', 'booking_ref'),
)


def _enable_pg_trgm(bind) -> None:
    """CREATE EXTENSION pg_trgm, or stop with what to do when it cannot be created."""
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar():
        return
    database, user = bind.execute(sa.text("SELECT current_database(), current_user")).one()
    available = bind.execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if not available:
        raise CommandError(
            "migration f14b_search needs the PostgreSQL extension pg_trgm, which this server "
            "does not have: install the server's contrib modules (Debian/Ubuntu: the "
            "postgresql-contrib package for the server's version), then run `flask init-db` "
            "again. Nothing was changed.")
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise CommandError(
            f"migration f14b_search needs the PostgreSQL extension pg_trgm in database "
            f"{database!r}, and user {user!r} may not create it ({reason}). pg_trgm is a "
            f"trusted extension: the database's owner or a user with CREATE on it can create "
            f"it, else a superuser. Run `CREATE EXTENSION pg_trgm;` in {database!r} as one of "
            f"them, then `flask init-db` again. Nothing was changed.") from None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        _enable_pg_trgm(bind)
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], if_not_exists=True,
                        postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'},
                        sqlite_where=sa.text('0'))


def downgrade():
    # The extension stays: other objects of the database may use it.
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table, if_exists=True)
