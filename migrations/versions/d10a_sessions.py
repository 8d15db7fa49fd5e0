"""sessions: session version default, tokens of deactivated users revoked

`users.session_version` (in every session id; bumped by sign-out, a password change or
reset and deactivation) already exists, NOT NULL; it gets the server default 1, so a row
written outside the app (a hand-made SQL insert) starts at the first version.

Until now deactivating a user left their API tokens unrevoked (only refused while the
account was inactive), so reactivating the account brought them back. From now on
deactivation revokes them for good; this migration does the same for the tokens of every
user who is deactivated today. Downgrading keeps them revoked: a revoked token is never
brought back.

On SQLite the server default is left as it was: SQLite changes a column default only by
rebuilding the table, and rebuilding `users`, which most tables reference, fails with
foreign keys on. The app always writes the version itself (the model's default).

Revision ID: d10a_sessions
Revises: 2a5167bbc859
Create Date: 2026-12-03 09:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd10a_sessions'
down_revision = '2a5167bbc859'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('active', sa.Boolean))
api_tokens = sa.table(
    'api_tokens', sa.column('user_id', sa.Integer),
    sa.column('revoked_at', sa.DateTime(timezone=True)),
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _now() -> datetime:
    """Now in UTC, stored as the app stores it (naive UTC on SQLite, aware elsewhere)."""
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if _is_sqlite() else now


def upgrade():
    inactive = sa.select(users.c.id).where(users.c.active.is_(False))
    op.execute(
        api_tokens.update()
        .where(api_tokens.c.revoked_at.is_(None), api_tokens.c.user_id.in_(inactive))
        .values(revoked_at=_now())
    )
    if not _is_sqlite():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.alter_column('session_version', existing_type=sa.Integer(),
                                  existing_nullable=False, server_default='1')


def downgrade():
    if not _is_sqlite():
        with op.batch_alter_table('users', schema=None) as batch_op:
            batch_op.alter_column('session_version', existing_type=sa.Integer(),
                                  existing_nullable=False, server_default=None)
