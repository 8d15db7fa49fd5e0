"""Recording the SQL statements a piece of code runs (query-count tests)."""

from contextlib import contextmanager

from sqlalchemy import event

from extensions import db


@contextmanager
def recorded_statements(*, cold: bool = False):
    """The statements run inside the block, in order; `cold` first expires the session, so
    nothing loaded before is reused (as a fresh request starts)."""
    if cold:
        db.session.expire_all()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
