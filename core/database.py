"""Engine setup: SQLite in WAL mode with foreign keys; the same models run on PostgreSQL."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine) -> None:
    """Turn on foreign keys and WAL for every new SQLite connection.

    The sqlite3 module begins a transaction only at the first write, so a SAVEPOINT taken
    before any write would itself open the transaction and its RELEASE would commit. A
    savepoint therefore first begins the real transaction when none is open: releasing it
    never commits the outer work, which stays the boundary's to commit or roll back.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        # 64 MiB of page cache per connection instead of SQLite's 2 MiB: a report or a
        # list over an archive of millions re-reads the same index pages.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "savepoint")
    def _on_savepoint(connection, _name):
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")
