"""Migration f13a_locale_categories: the defaults get their Chinese names, a manager's own
category keeps none, and a user's language may be NULL ("browser default"); downgrading
gives those users English again."""

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db

BEFORE = "f12b_api_idempotency"
AFTER = "f13a_locale_categories"
CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def _when(url: str) -> datetime:
    return CREATED.replace(tzinfo=None) if url.startswith("sqlite") else CREATED


def _seed(connection, url: str) -> None:
    connection.execute(text(
        "INSERT INTO sites (id, name, timezone, hours_spec, currency, front_desk_limit, "
        "supervisor_limit, created_at) VALUES (1, 'Inn', 'UTC', '24/7', 'CNY', 200, 2000, :w)"
    ), {"w": _when(url)})
    connection.execute(text(
        "INSERT INTO users (id, username, display_name, role, site_id, locale, active, "
        "password_hash, session_version, created_at) VALUES (1, 'ana', 'Ana', 'front_desk', "
        "1, 'zh_Hans', true, '', 1, :w)"), {"w": _when(url)})
    for name, dimension in (("Cleanliness", "tangibles"), ("Long wait", "responsiveness"),
                            ("Parking", "tangibles")):
        connection.execute(text(
            "INSERT INTO categories (name, dimension, active) VALUES (:n, :d, true)"),
            {"n": name, "d": dimension})


def _insert_filled(connection, url: str, table: str, **given) -> None:
    """One row of `table` as the schema stands: `given`, and a plain value for every other
    required column (ids point at row 1 of their table)."""
    from sqlalchemy import Boolean, DateTime, Integer, MetaData, Numeric, Table

    columns = Table(table, MetaData(), autoload_with=connection).columns
    values = dict(given)
    for column in columns:
        if column.name in values or column.nullable or column.server_default is not None:
            continue
        kind = column.type
        values[column.name] = (
            True if isinstance(kind, Boolean) else 1 if isinstance(kind, Integer | Numeric)
            else _when(url) if isinstance(kind, DateTime)
            else column.name[:getattr(kind, "length", None) or 40])
    names = ", ".join(values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
                            f"({', '.join(':' + n for n in values)})"), values)


def _seed_a_ticket(connection, url: str) -> None:
    """A ticket owned by user 1, of category 1: rows that refer to the tables the migration
    rebuilds on SQLite (which must neither fail on them nor lose them)."""
    _insert_filled(connection, url, "customers", id=1)
    _insert_filled(connection, url, "tickets", id=1, site_id=1, customer_id=1, category_id=1,
                   owner_id=1, opened_by_id=1, status="owned")


def _rows(url: str, sql: str) -> dict:
    engine = create_engine(url)
    with engine.begin() as connection:
        rows = dict(connection.execute(text(sql)).all())
    engine.dispose()
    return rows


def test_migration_names_the_defaults_in_chinese_and_lets_locale_be_null(fresh_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _seed(connection, fresh_url)
            _seed_a_ticket(connection, fresh_url)
        upgrade(revision=AFTER)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (id, username, display_name, role, site_id, locale, "
                "active, password_hash, session_version, created_at) VALUES (2, 'bo', 'Bo', "
                "'front_desk', 1, NULL, true, '', 1, :w)"), {"w": _when(fresh_url)})
        db.engine.dispose()
    names = _rows(fresh_url, "SELECT name, name_zh FROM categories")
    assert names == {"Cleanliness": "清洁卫生", "Long wait": "等候太久", "Parking": None}
    locales = _rows(fresh_url, "SELECT username, locale FROM users")
    assert locales == {"ana": "zh_Hans", "bo": None}, "a chosen language is kept"
    assert _rows(fresh_url, "SELECT id, owner_id FROM tickets") == {1: 1}
    if fresh_url.startswith("sqlite"):
        assert _rows(fresh_url, "PRAGMA foreign_key_check") == {}

    with app.app_context():
        downgrade(revision=BEFORE)
        db.engine.dispose()
    locales = _rows(fresh_url, "SELECT username, locale FROM users")
    assert locales == {"ana": "zh_Hans", "bo": "en"}
    assert _rows(fresh_url, "SELECT id, category_id FROM tickets") == {1: 1}
