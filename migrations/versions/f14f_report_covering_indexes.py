"""Report at scale: indexes that answer the trend, repeat complainants and prevention alone

Revision ID: f14f_report_covering_indexes
Revises: f14e_customer_search_fts
Create Date: 2026-12-08 02:00:00

At a million tickets the live weekly report spent most of its time on three things that
read the archive rather than the week:
- the eight-week trend (new tickets per dimension) looked up every ticket of those weeks
  for its dimension: (site_id, created_at) becomes (site_id, created_at, dimension);
- the repeat complainants counted each customer's tickets of 90 days and looked up each
  for its site: (customer_id, created_at) becomes (customer_id, created_at, site_id);
- the prevention actions open at a week's end were read through their creation time,
  that is every action ever recorded: an index on done_at serves "not done, or done after
  the week's end" instead.
Each wider index replaces the narrower one (its leading columns are the same), so writes
keep the number of indexes they had. The tables are analysed afterwards.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f14f_report_covering_indexes'
down_revision = 'f14e_customer_search_fts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_tickets_site_created_dimension', 'tickets',
                    ['site_id', 'created_at', 'dimension'])
    op.drop_index('ix_tickets_site_created', table_name='tickets')
    op.create_index('ix_tickets_customer_created_site', 'tickets',
                    ['customer_id', 'created_at', 'site_id'])
    op.drop_index('ix_tickets_customer_created', table_name='tickets')
    op.create_index('ix_prevention_actions_done', 'prevention_actions', ['done_at'])
    op.drop_index('ix_prevention_actions_created', table_name='prevention_actions')
    op.execute("ANALYZE tickets")
    op.execute("ANALYZE prevention_actions")


def downgrade():
    op.create_index('ix_prevention_actions_created', 'prevention_actions', ['created_at'])
    op.drop_index('ix_prevention_actions_done', table_name='prevention_actions')
    op.create_index('ix_tickets_customer_created', 'tickets', ['customer_id', 'created_at'])
    op.drop_index('ix_tickets_customer_created_site', table_name='tickets')
    op.create_index('ix_tickets_site_created', 'tickets', ['site_id', 'created_at'])
    op.drop_index('ix_tickets_site_created_dimension', table_name='tickets')
