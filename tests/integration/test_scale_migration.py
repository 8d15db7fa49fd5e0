"""Migration f14a: every open ticket stored before it gets its earliest unmet due time (the
overdue list's one indexed column), exactly what the app writes; finished tickets none."""

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select, update

from core.vocabulary import OPEN_STATES
from demo.bulk import seed_bulk
from extensions import db
from tests.support.migrations import load_migration
from tickets.models import Ticket


@pytest.fixture(scope="module")
def migration():
    return load_migration("f14a_scale")


def _earliest_due() -> dict:
    db.session.expire_all()
    return dict(db.session.execute(select(Ticket.id, Ticket.next_due_at)).tuples().all())


def test_the_backfill_gives_open_tickets_the_earliest_unmet_due_time_the_app_would(
        app, migration):
    seed_bulk(90, weeks=8, site_name="Backfill Hotel")
    db.session.commit()
    written = _earliest_due()
    statuses = dict(db.session.execute(select(Ticket.id, Ticket.status)).tuples().all())
    paused = db.session.scalars(select(Ticket.id).where(
        Ticket.resolution_paused_since.is_not(None))).all()
    assert paused, "a ticket waiting on the customer: its resolution clock does not count"
    assert all(due is None for key, due in written.items() if statuses[key] not in OPEN_STATES)
    assert any(due is not None for due in written.values())
    db.session.execute(update(Ticket).values(next_due_at=None))
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration.backfill()
    db.session.commit()
    assert _earliest_due() == written
