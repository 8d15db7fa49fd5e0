"""Report at scale: the backlog at a moment read from two indexes, not a scan of tickets

Revision ID: f14c_report_indexes
Revises: f14b_search
Create Date: 2026-12-04 19:00:00

The weekly report's backlog is the tickets open at a moment M (the week's end). A ticket
open at M is unfinished now (its last finish, the later of resolved_at and declined_at, is
NULL, or it was reopened since) or finished after M (resolved or declined after M). The
first are few: a partial index per site holds only them (its predicate is written exactly
as reports.backlog.finished_for_now builds it, so both databases match it to the query);
the second are a range of (site_id, resolved_at), or of the existing (site_id,
declined_at). The table is analysed afterwards so that the planner knows the new indexes.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f14c_report_indexes'
down_revision = 'f14b_search'
branch_labels = None
depends_on = None

# Frozen here as it was (a migration must not follow later edits of the code).
LAST_FINISH = (
    "CASE WHEN (resolved_at IS NULL) THEN declined_at WHEN (declined_at IS NULL) THEN "
    "resolved_at WHEN (resolved_at >= declined_at) THEN resolved_at ELSE declined_at END"
)
UNFINISHED = f"CASE WHEN (reopened_at > {LAST_FINISH}) THEN NULL ELSE {LAST_FINISH} END IS NULL"


def upgrade():
    op.create_index('ix_tickets_site_unfinished', 'tickets', ['site_id', 'created_at'],
                    postgresql_where=sa.text(UNFINISHED), sqlite_where=sa.text(UNFINISHED))
    op.create_index('ix_tickets_site_resolved', 'tickets', ['site_id', 'resolved_at'])
    op.execute("ANALYZE tickets")


def downgrade():
    op.drop_index('ix_tickets_site_resolved', table_name='tickets')
    op.drop_index('ix_tickets_site_unfinished', table_name='tickets')
