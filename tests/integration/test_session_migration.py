"""Migration d10a_sessions: the tokens of users deactivated before it are revoked for good."""

from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db

BEFORE = "2a5167bbc859"
CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def _when(url: str) -> datetime:
    return CREATED.replace(tzinfo=None) if url.startswith("sqlite") else CREATED


def _seed(connection, url: str) -> None:
    when = _when(url)
    connection.execute(text(
        "INSERT INTO sites (id, name, timezone, hours_spec, currency, front_desk_limit, "
        "supervisor_limit, created_at) VALUES (1, 'Inn', 'UTC', '24/7', 'CNY', 200, 2000, :w)"
    ), {"w": when})
    for user_id, active in ((1, True), (2, False)):
        connection.execute(text(
            "INSERT INTO users (id, username, display_name, role, site_id, locale, active, "
            "password_hash, session_version, created_at) VALUES (:id, :name, :name, "
            "'front_desk', 1, 'en', :active, '', 1, :w)"
        ), {"id": user_id, "name": f"user{user_id}", "active": active, "w": when})
        connection.execute(text(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
            "VALUES (:id, 'integration', :hash, 'rd_x', :w)"
        ), {"id": user_id, "hash": f"{user_id:064d}", "w": when})


def test_migration_revokes_the_tokens_of_deactivated_users(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _seed(connection, fresh_url)
        upgrade(revision="d10a_sessions")
        db.engine.dispose()
    engine = create_engine(fresh_url)
    with engine.begin() as connection:
        rows = dict(connection.execute(text(
            "SELECT user_id, revoked_at FROM api_tokens ORDER BY user_id")).all())
    engine.dispose()
    assert rows[1] is None, "an active user's token is untouched"
    assert rows[2] is not None, "a deactivated user's token is revoked"


def test_migration_gives_session_version_a_server_default_on_postgresql(fresh_url):
    """(SQLite keeps its column as it was: see the migration's docstring.)"""
    if fresh_url.startswith("sqlite"):
        pytest.skip("SQLite changes a default only by rebuilding the table")
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="d10a_sessions")
        with db.engine.begin() as connection:
            _seed(connection, fresh_url)
            connection.execute(text(
                "INSERT INTO users (id, username, display_name, role, site_id, locale, "
                "active, password_hash, created_at) VALUES (3, 'raw', 'raw', 'front_desk', "
                "1, 'en', true, '', now())"))
            version = connection.execute(text(
                "SELECT session_version FROM users WHERE id = 3")).scalar_one()
        db.engine.dispose()
    assert version == 1
