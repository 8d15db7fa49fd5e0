"""`GET /health` and `/health/ready`: a load balancer's and a monitor's questions, answered
without a session or a sign-in."""

import pytest
from sqlalchemy.exc import OperationalError

from extensions import db


@pytest.fixture
def database_down(monkeypatch):
    def refused(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(db.session, "execute", refused)


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
def test_a_serving_process_with_its_database_is_healthy_and_ready(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert client.head(path).status_code == 200


def test_without_its_database_the_process_is_alive_and_says_so(client, database_down):
    """The load balancer keeps the machine: every machine shares the one database."""
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "unreachable"}


def test_without_its_database_the_process_is_not_ready(client, database_down):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.parametrize("path", ["/health", "/health/ready"])
def test_they_only_answer_reads(client, method, path):
    assert getattr(client, method)(path).status_code == 405

