"""An optional read replica for the heaviest read the app does, the live weekly report.

With `REPORT_DATABASE_URL` set (a streaming replica of the PostgreSQL primary, or any
database holding the same tables), `reading_from_report_replica()` makes `db.session`
read from it for the duration of the block; unset, the block reads the primary as
everything else does. The replica session is never flushed or committed: what the block
reads must not be written (storing a report happens outside it, on the primary).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from core.database import configure_engine
from extensions import db

ENGINE_KEY = "report_replica_engine"


def replica_engine(app: Flask) -> Engine | None:
    """The replica's engine (made once per app), or None when none is configured."""
    url = app.config.get("REPORT_DATABASE_URL")
    if not url:
        return None
    if ENGINE_KEY not in app.extensions:
        options = {"pool_pre_ping": True, "hide_parameters": True}
        engine = create_engine(url, **options)
        configure_engine(engine)
        app.extensions[ENGINE_KEY] = engine
    return app.extensions[ENGINE_KEY]


@contextmanager
def reading_from_report_replica() -> Iterator[None]:
    """Within the block, `db.session` is a read-only session on the replica (when one is
    configured); the request's own session is back afterwards, as it was."""
    engine = replica_engine(current_app)
    if engine is None:
        yield
        return
    own = db.session()
    replica = Session(bind=engine, autoflush=False, expire_on_commit=False)
    db.session.registry.set(replica)
    try:
        yield
    finally:
        replica.rollback()
        replica.close()
        db.session.registry.set(own)
