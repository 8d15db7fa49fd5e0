"""Helpers for migration scripts (migrations/versions/): schema changes that need care on
one of the two databases."""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op


@contextmanager
def rebuilding_referenced_tables():
    """SQLite changes a column's nullability, adds a constraint or drops a column by copying
    the table and dropping the old one; with foreign keys on, dropping a table other rows
    refer to (`users`, `categories`, `notifications`) fails while they do. So on SQLite
    foreign keys are off while the tables are rebuilt (the rows keep their ids, so every
    reference still holds), and checked before they are on again. A PRAGMA is ignored
    inside a transaction: each runs in an autocommit block."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = op.get_bind().execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
