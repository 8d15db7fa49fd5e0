"""Sites: a settings stamp, so each process keeps a site's holidays and SLA policy

Revision ID: f14d_site_settings_stamp
Revises: f14c_report_indexes
Create Date: 2026-12-07 23:30:00

Every page with clocks and every new ticket read the site's holidays and SLA policy: two
statements each time. Each process now keeps them under the site's settings stamp, which
changes with them (core.stamped). Existing sites get a stamp each, all different.
"""
import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f14d_site_settings_stamp'
down_revision = 'f14c_report_indexes'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable, so SQLite adds it in place (a NOT NULL column would rebuild the table that
    # every other table refers to); a site without a stamp is simply never kept.
    op.add_column('sites', sa.Column('settings_stamp', sa.String(length=32), nullable=True))
    bind = op.get_bind()
    sites = sa.table('sites', sa.column('id', sa.Integer), sa.column('settings_stamp', sa.String))
    for (site_id,) in bind.execute(sa.select(sites.c.id)).all():
        bind.execute(sites.update().where(sites.c.id == site_id)
                     .values(settings_stamp=uuid.uuid4().hex))


def downgrade():
    op.drop_column('sites', 'settings_stamp')
