"""Fixtures for the integration tests that build a database from the migrations."""

import pytest

from tests.conftest import PostgresScratch, _postgres_reachable


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    """An empty database of each kind (PostgreSQL: a throw-away one, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    problem = _postgres_reachable()
    if problem:
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    scratch = PostgresScratch("mig")
    yield scratch.create()
    scratch.drop()
