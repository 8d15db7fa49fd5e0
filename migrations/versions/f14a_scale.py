"""Scale: the earliest unmet due time of open tickets, indexed over open tickets only

Revision ID: f14a_scale
Revises: f13c_event_params
Create Date: 2026-12-03 16:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f14a_scale'
down_revision = 'f13c_event_params'
branch_labels = None
depends_on = None

# Frozen here as it was (a migration must not follow later edits of the code).
OPEN = "status IN ('new', 'owned', 'fix_offered', 'awaiting_approval')"
NEVER = "'9999-12-31 00:00:00.000000'"

# Each due time while its clock still waits (first response until owned, the fix until
# offered or declined, resolution unless paused, the promised next contact until kept).
PENDING = (
    "CASE WHEN owned_at IS NULL THEN first_response_due END",
    "CASE WHEN fix_offered_at IS NULL AND declined_at IS NULL THEN fix_offered_due END",
    "CASE WHEN resolution_paused_since IS NULL THEN resolution_due END",
    "CASE WHEN next_contact_met_at IS NULL THEN next_contact_by END",
)


def _earliest() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"LEAST({', '.join(PENDING)})"
    # SQLite's min() is NULL when any argument is: stand in a far date, then drop it.
    padded = ", ".join(f"COALESCE({term}, {NEVER})" for term in PENDING)
    return f"NULLIF(min({padded}), {NEVER})"


def backfill():
    """Every open ticket's earliest unmet due time, from its stored due times."""
    op.execute(f"UPDATE tickets SET next_due_at = {_earliest()} WHERE {OPEN}")


def upgrade():
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
    backfill()
    not_null = sa.text("next_due_at IS NOT NULL")
    op.create_index('ix_tickets_site_next_due', 'tickets', ['site_id', 'next_due_at'],
                    postgresql_where=not_null, sqlite_where=not_null)
    op.create_index('ix_tickets_next_due', 'tickets', ['next_due_at'],
                    postgresql_where=not_null, sqlite_where=not_null)


def downgrade():
    for name in ('ix_tickets_next_due', 'ix_tickets_site_next_due'):
        op.drop_index(name, table_name='tickets')
    with op.batch_alter_table('tickets') as batch_op:
        batch_op.drop_column('next_due_at')
