"""Faults: the database taken away and given back; processes killed mid-transaction.

PostgreSQL is taken away through a TCP proxy this test opens and closes (never by stopping
the shared server): with the proxy closed every page, the sign-in form and the API answer
503 with Retry-After on a page that itself never queries, the CLI prints one line and exits
1; with the proxy open again the same app answers 200 (pool_pre_ping replaced the dead
connections), without being recreated.

`kill -9` of a gunicorn worker and of the scheduler while their transaction is flushed but
not committed (tests/support/faulty_app.py pauses there) leaves no trace of it; the
scheduler started again takes the ladder steps due meanwhile exactly once, and the mail
for them waits in the outbox while SMTP is down (the outbox's own tests cover the rest).
"""

import http.client
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app import create_app
from auth.tokens import create_token
from core import clock
from core.errors import RETRY_AFTER_SECONDS, database_unreachable
from extensions import db
from notifications.models import Notification
from outbox.models import OutboxMessage
from tests.support import servers
from tests.support.proxy import TcpProxy
from tickets.models import Ticket, TicketEvent

ROOT = Path(__file__).resolve().parents[2]
UNREACHABLE = "cannot be reached"


def _config(url: str) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "faults",
            "SCHEDULER_ENABLED": False, "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost",
            "ARGON2_PROFILE": "fast"}


def _through(proxy: TcpProxy, database_url: str) -> str:
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def _sign_in(client, user) -> None:
    response = client.post("/sign-in", data={"username": user.username,
                                             "password": "correct horse"})
    assert response.status_code == 302, response.get_data(as_text=True)


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert UNREACHABLE in page
    assert "Traceback" not in page and "OperationalError" not in page


def _assert_unavailable_json(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.get_json()["error"]["code"] == "service_unavailable"


def _cli_sweep(url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "faults"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", "sla", "sweep"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.postgres_only
def test_postgres_behind_a_closed_proxy_answers_503_and_recovers(
        app, database_url, make_user, make_ticket):
    owner = make_user("front_desk")
    ticket = make_ticket(owner=owner)
    _token, plain = create_token(owner, "faults", clock.utcnow())
    db.session.commit()
    bearer = {"Authorization": f"Bearer {plain}"}
    with TcpProxy() as proxy:
        proxied = create_app(_config(_through(proxy, database_url)))
        signed_in, anonymous = proxied.test_client(), proxied.test_client()
        _sign_in(signed_in, owner)
        assert signed_in.get(f"/tickets/{ticket.ref}").status_code == 200
        assert signed_in.get("/api/v1/tickets", headers=bearer).status_code == 200

        proxy.close()
        _assert_unavailable_page(signed_in.get(f"/tickets/{ticket.ref}"))
        _assert_unavailable_page(signed_in.get("/"))
        _assert_unavailable_page(signed_in.get("/no-such-page"))  # the 404 page's navigation
        _assert_unavailable_page(anonymous.post("/sign-in", data={
            "username": owner.username, "password": "correct horse"}))
        _assert_unavailable_json(signed_in.get("/api/v1/tickets", headers=bearer))
        _assert_unavailable_json(anonymous.post(f"/api/v1/tickets/{ticket.ref}/contacts",
                                                headers=bearer, json={}))
        result = _cli_sweep(_through(proxy, database_url))
        assert result.returncode == 1
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert result.stderr.startswith("Error: the database cannot be reached")

        proxy.open()
        assert signed_in.get(f"/tickets/{ticket.ref}").status_code == 200
        assert signed_in.get("/api/v1/tickets", headers=bearer).status_code == 200
        assert anonymous.post("/sign-in", data={"username": owner.username,
                                                "password": "correct horse"}).status_code == 302
        with proxied.app_context():
            db.engine.dispose()
    db.session.rollback()
    assert db.session.get(Ticket, ticket.id).version == ticket.version


@pytest.mark.postgres_only
def test_pooled_connections_cut_while_idle_are_replaced(app, database_url, make_user):
    """pool_pre_ping: connections the server dropped while idle are replaced at checkout,
    so the first request after the database is back already succeeds."""
    user = make_user("front_desk")
    with TcpProxy() as proxy:
        proxied = create_app(_config(_through(proxy, database_url)))
        client = proxied.test_client()
        _sign_in(client, user)
        assert client.get("/tickets/mine").status_code == 200
        proxy.close()
        proxy.open()
        assert client.get("/tickets/mine").status_code == 200
        with proxied.app_context():
            db.engine.dispose()


def test_sqlite_file_that_cannot_be_opened_answers_503_until_it_can(tmp_path):
    folder = tmp_path / "not-yet"
    path = folder / "desk.sqlite3"
    unopened = create_app(_config(f"sqlite:///{path}"))
    client = unopened.test_client()
    _assert_unavailable_json(client.get("/api/v1/tickets", headers={"Authorization": "Bearer x"}))
    _assert_unavailable_page(client.post("/sign-in", data={"username": "a", "password": "b"}))
    runner = unopened.test_cli_runner()
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: the database cannot be reached (unable to open "
                                     "database file). Try again when it is back.")
    folder.mkdir()
    with unopened.app_context():
        db.create_all()
    answer = client.get("/api/v1/tickets", headers={"Authorization": "Bearer x"})
    assert answer.status_code == 401
    assert client.post("/sign-in", data={"username": "a", "password": "b"}).status_code == 200
    with unopened.app_context():
        assert db.session.scalars(select(TicketEvent)).all() == []
        db.engine.dispose()


@pytest.mark.parametrize(
    "message, sqlstate, unreachable",
    [
        ("connection refused", None, True),
        ("terminating connection due to administrator command", "57P01", True),
        ("sorry, too many clients already", "53300", True),
        ("connection failure", "08006", True),
        ("canceling statement due to statement timeout", "57014", False),
    ],
)
def test_which_postgres_errors_mean_unreachable(message, sqlstate, unreachable):
    import psycopg
    from psycopg import errors

    error = errors.lookup(sqlstate)(message) if sqlstate else psycopg.OperationalError(message)
    assert database_unreachable(error) is unreachable


PAUSE_SECONDS = "60"


def _post_json(port: int, path: str, token: str, body: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        connection.request("POST", path, body=json.dumps(body),
                           headers={"Authorization": f"Bearer {token}",
                                    "Content-Type": "application/json"})
        return connection.getresponse().status
    finally:
        connection.close()


def _paused_pid(marker: Path) -> int:
    return servers.wait_for(lambda: marker.exists() and int(marker.read_text()), 30,
                            what="the transaction to pause before its commit")


def _fresh_ticket(ticket_id: int) -> Ticket:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.postgres_only
def test_a_worker_killed_before_its_commit_leaves_nothing(app, database_url, tmp_path,
                                                          make_user, make_ticket):
    ticket = make_ticket()
    lead = make_user("supervisor", site=ticket.site)
    _token, plain = create_token(lead, "faults", clock.utcnow())
    db.session.commit()
    ticket_id, version, path = ticket.id, ticket.version, f"/api/v1/tickets/{ticket.ref}"
    marker = tmp_path / "paused"
    env = servers.server_environment(database_url, tmp_path, TEST_PAUSE_MARKER=str(marker),
                                     TEST_SLOW_STEP_SECONDS=PAUSE_SECONDS)
    with servers.Gunicorn(env, tmp_path, workers=2, app_spec=servers.FAULTY_APP) as server:
        answers: list = []

        def escalate() -> None:
            try:
                answers.append(_post_json(server.port, f"{path}/escalate", plain,
                                          {"reason": "VIP arrival", "version": version}))
            except (OSError, http.client.HTTPException) as error:
                answers.append(type(error).__name__)

        caller = threading.Thread(target=escalate)
        caller.start()
        worker = _paused_pid(marker)
        assert worker in server.worker_pids()
        os.kill(worker, 9)
        caller.join(timeout=30)
        assert answers and answers[0] != 200, answers
        unchanged = _fresh_ticket(ticket_id)
        assert (unchanged.version, unchanged.escalation_level) == (version, 0)
        assert _count(TicketEvent, TicketEvent.ticket_id == ticket_id,
                      TicketEvent.action == "escalate") == 0
        assert _count(Notification) == 0 and _count(OutboxMessage) == 0
        # The row lock died with the worker: the same change goes through at once.
        again = _post_json(server.port, f"{path}/escalate", plain,
                           {"reason": "VIP arrival", "version": version})
        assert again == 200, server.output()
    escalated = _fresh_ticket(ticket_id)
    assert (escalated.version, escalated.escalation_level) == (version + 1, 1)


def _overdue_ticket(make_ticket, site, hours_ago: float) -> Ticket:
    """An unowned high-severity ticket opened `hours_ago`: its first response is late."""
    real_now = clock.utcnow()
    clock.set_now(real_now - timedelta(hours=hours_ago))
    try:
        return make_ticket(owner=None, site=site, severity="high")
    finally:
        clock.set_now(None)


def _steps_taken(ticket_id: int) -> list[tuple[str, str]]:
    db.session.rollback()
    events = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.action.like("sla_%")))
    return sorted((event.action, event.changes["clock"][1]) for event in events)


@pytest.mark.postgres_only
def test_the_scheduler_killed_mid_sweep_catches_up_exactly_once(app, database_url, tmp_path,
                                                                make_site, make_user,
                                                                make_ticket):
    site = make_site(name="Harbour")
    for role in ("supervisor", "manager"):
        make_user(role, site=site, email=f"{role}@harbour.example")
    first = _overdue_ticket(make_ticket, site, hours_ago=30)
    marker = tmp_path / "paused"
    smtp_down = f"smtp://127.0.0.1:{servers.free_port()}"
    env = servers.server_environment(database_url, tmp_path, SMTP_URL=smtp_down,
                                     TEST_PAUSE_MARKER=str(marker),
                                     TEST_SLOW_STEP_SECONDS=PAUSE_SECONDS)
    with servers.scheduler(env, tmp_path, app_spec=servers.FAULTY_APP.removesuffix("()"),
                           name="killed") as killed:
        assert _paused_pid(marker) == killed.pid
        killed.kill_hard()
    assert _steps_taken(first.id) == []
    assert _fresh_ticket(first.id).escalation_level == 0
    # The killed sweep told nobody; the weekly-report job may have run beside it (it is
    # not the ticket's business), so only the ticket's notices and their mail count.
    told = select(Notification.id).where(Notification.ticket_id == first.id)
    assert _count(Notification, Notification.ticket_id == first.id) == 0
    assert _count(OutboxMessage, OutboxMessage.notification_id.in_(told)) == 0

    during_downtime = _overdue_ticket(make_ticket, site, hours_ago=30)
    with servers.scheduler(env, tmp_path, name="restarted") as restarted:
        servers.wait_for(lambda: all(_steps_taken(t.id) for t in (first, during_downtime)),
                         40, what=f"the catch-up sweep\n{restarted.output()}")
        servers.wait_for(lambda: _count(OutboxMessage) and not _count(
            OutboxMessage, OutboxMessage.attempts == 0), 40, what="a first send attempt")
    taken = {t.id: _steps_taken(t.id) for t in (first, during_downtime)}
    for steps in taken.values():
        assert len(steps) == len(set(steps))
        assert ("sla_level_2", "first_response") in steps
    again = servers.run_cli(env, "sla", "sweep")
    assert again.returncode == 0, again.stderr
    assert {t.id: _steps_taken(t.id) for t in (first, during_downtime)} == taken
    assert _fresh_ticket(first.id).escalation_level == 2
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage)).all()
    # Nothing sent, nothing given up, nothing lost: each waits for its next attempt (or is
    # still leased by the sender the stop interrupted); one row per notified address.
    assert rows and {row.status for row in rows} <= {"pending", "sending"}, [
        (row.status, row.last_error) for row in rows]
    told = [(row.to_address, row.notification_id) for row in rows if row.notification_id]
    assert told and len(told) == len(set(told))


def test_a_scheduled_job_without_its_database_logs_one_line(tmp_path, caplog):
    from core.transaction import run_job

    unopened = create_app(_config(f"sqlite:///{tmp_path / 'missing' / 'desk.sqlite3'}"))

    def job():
        return db.session.scalars(select(Ticket)).all()

    with caplog.at_level("ERROR", logger="core.transaction"):
        assert run_job(unopened, "SLA sweep", job) is None
    [record] = caplog.records
    assert record.exc_info is None
    assert record.getMessage() == ("the job SLA sweep could not reach the database (unable to "
                                   "open database file); it runs again at its next time")
