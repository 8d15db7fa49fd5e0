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


def postgres_plan(statement, *, without_seqscan: bool = True) -> str:
    """PostgreSQL's EXPLAIN of `statement` as the app runs it (its parameters bound by the
    driver), in the test's transaction. `without_seqscan` prices sequential scans out: a
    scan that remains in the plan means no index can serve the query."""
    compiled = statement.compile(dialect=db.engine.dialect,
                                 compile_kwargs={"render_postcompile": True})
    connection = db.session.connection()
    if without_seqscan:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).all()
    return "\n".join(row[0] for row in rows)
