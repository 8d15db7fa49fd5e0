"""A test-only app factory: the real app, plus one pause at the worst moment, so a test can
`kill -9` the process in the middle of a transaction. Production code has no such hook.

The first transaction of the process that wrote a ticket audit event (a web action, an
API call, a ladder step of the sweep) stops just before its COMMIT, with every change
flushed to the database: it writes its process id to TEST_PAUSE_MARKER, then sleeps
TEST_SLOW_STEP_SECONDS. Only once per marker file: after it exists nothing pauses.

    gunicorn 'tests.support.faulty_app:create_app()'
    flask --app tests.support.faulty_app:create_app scheduler run
"""

import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from app import create_app as create_real_app
from tickets.models import TicketEvent

WROTE_EVENT = "test_wrote_ticket_event"


def create_app(config_overrides: dict | None = None):
    app = create_real_app(config_overrides)
    marker = Path(os.environ["TEST_PAUSE_MARKER"])
    seconds = float(os.environ.get("TEST_SLOW_STEP_SECONDS", "30"))

    @event.listens_for(Session, "after_flush")
    def _note_events(session, _context):
        if any(isinstance(instance, TicketEvent) for instance in session.new):
            session.info[WROTE_EVENT] = True

    @event.listens_for(Session, "after_soft_rollback")
    def _forget(session, _previous):
        session.info.pop(WROTE_EVENT, None)

    @event.listens_for(Session, "before_commit")
    def _pause(session):
        if session.info.pop(WROTE_EVENT, False) and not marker.exists():
            written = marker.with_suffix(".tmp")
            written.write_text(str(os.getpid()))
            written.rename(marker)
            time.sleep(seconds)

    return app
