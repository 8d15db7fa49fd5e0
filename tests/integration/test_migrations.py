"""`init-db` builds the schema from the committed migrations, twice safely, matching the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app import create_app
from customers.models import SEARCH_TABLE, is_search_table
from extensions import db


def _models_tables(name, type_, _parent_names) -> bool:
    """What autogenerate compares (migrations/env.py): not SQLite's FTS5 tables."""
    return not (type_ == "table" and is_search_table(name))


def test_migrations_init_db_twice_matches_models(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    engine = create_engine(fresh_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _models_tables})
        diff = compare_metadata(context, db.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    with app.app_context():
        db.engine.dispose()
    assert {"sites", "users", "tickets", "ticket_events"} <= tables
    assert (SEARCH_TABLE in tables) == fresh_url.startswith("sqlite")
    assert diff == []
