"""Migration f14b: pg_trgm and the GIN trigram indexes on PostgreSQL, empty placeholders on
SQLite; a clear refusal when the extension cannot be created."""

import uuid

import pytest
from alembic.util import CommandError
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db
from tests.conftest import PG_ADMIN_URL
from tests.support.migrations import load_migration

TRIGRAM_INDEXES = {
    "ix_customers_name_key_trgm": ("customers", "name_key"),
    "ix_customers_phone_digits_trgm": ("customers", "phone_digits"),
    "ix_customers_email_trgm": ("customers", "email"),
    "ix_tickets_description_trgm": ("tickets", "description"),
    "ix_tickets_booking_ref_trgm": ("tickets", "booking_ref"),
}


def _run(url: str, *args: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    return result


def _indexes(url: str) -> dict[str, str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm'"))
        else:
            rows = connection.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%trgm'"))
        found = dict(rows.all())
    engine.dispose()
    return found


def test_upgrade_builds_the_trigram_indexes_and_downgrade_drops_them(fresh_url):
    assert _run(fresh_url, "init-db").exit_code == 0
    found = _indexes(fresh_url)
    assert set(found) == set(TRIGRAM_INDEXES)
    for name, (table, column) in TRIGRAM_INDEXES.items():
        if fresh_url.startswith("sqlite"):
            assert found[name].endswith(f"({column}) WHERE 0"), found[name]
        else:
            assert f"ON public.{table} USING gin ({column} gin_trgm_ops)" in found[name]
    result = _run(fresh_url, "db", "downgrade", "f14a_scale")
    assert result.exit_code == 0, result.output
    assert _indexes(fresh_url) == {}
    assert _run(fresh_url, "init-db").exit_code == 0
    assert set(_indexes(fresh_url)) == set(TRIGRAM_INDEXES)


@pytest.fixture
def unprivileged_url(fresh_url):
    """The fresh PostgreSQL database reached as a new role that may create tables in its
    public schema but not extensions (no CREATE on the database); the role is dropped after."""
    if not fresh_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no extensions")
    role = f"rd_test_plain_{uuid.uuid4().hex[:10]}"
    admin = create_engine(fresh_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgres@", f"{role}@", 1)
    try:
        yield f"{base}/{fresh_url.rsplit('/', 1)[1]}", admin
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


def test_without_the_right_to_create_pg_trgm_the_upgrade_says_why(unprivileged_url, capsys):
    url, admin = unprivileged_url
    result = _run(url, "init-db")
    said = result.output + capsys.readouterr().err
    assert result.exit_code == 1
    assert "pg_trgm" in said and "may not create it" in said, said
    assert "CREATE EXTENSION pg_trgm;" in said and "Nothing was changed." in said, said
    with admin.connect() as connection:  # one transaction: nothing of it stayed
        assert connection.execute(text("SELECT to_regclass('customers')")).scalar() is None
        connection.execute(text("CREATE EXTENSION pg_trgm"))
    assert _run(url, "init-db").exit_code == 0  # once a superuser has created it
    assert set(_indexes(url)) == set(TRIGRAM_INDEXES)


class _Answers:
    """A stand-in connection answering the migration's catalogue questions."""

    def __init__(self, installed, available):
        self.answers = {"pg_extension": installed, "pg_available_extensions": available}

    def execute(self, statement):
        sql = str(statement)
        for table, answer in self.answers.items():
            if f"FROM {table} " in sql:
                return _Result(answer)
        if "current_database()" in sql:
            return _Result(("rd", "app"))
        raise AssertionError(f"unexpected statement {sql}")


class _Result:
    def __init__(self, value):
        self.value = value

    def scalar(self):
        return self.value

    def one(self):
        return self.value


def test_a_server_without_pg_trgm_is_told_what_to_install():
    migration = load_migration("f14b_search")
    migration._enable_pg_trgm(_Answers(installed=1, available=None))  # already there: no-op
    with pytest.raises(CommandError, match="postgresql-contrib") as refused:
        migration._enable_pg_trgm(_Answers(installed=None, available=None))
    assert "does not have" in str(refused.value)
