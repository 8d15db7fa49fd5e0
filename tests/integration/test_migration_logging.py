"""Running the migrations inside a process keeps that process's loggers working.

Alembic's env.py reads the logging section of alembic.ini with `fileConfig`, which by
default disables every logger that exists already: after an in-process `flask db upgrade`
the app's own loggers (a job that cannot reach its database, the sender's failures) would
drop their records.
"""

import logging

from flask_migrate import upgrade

from app import create_app
from extensions import db


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_an_in_process_upgrade_leaves_the_apps_loggers_enabled(fresh_url):
    job_log = logging.getLogger("core.transaction")
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    kept = _Kept()
    job_log.addHandler(kept)
    try:
        job_log.error("the job could not reach the database")
    finally:
        job_log.removeHandler(kept)
    assert not job_log.disabled
    assert kept.messages == ["the job could not reach the database"]
