"""One commit point per entry kind (core.transaction): a view commits a success response and
rolls back an error or an exception; a CLI command commits when it returns; a scheduled
job commits once or rolls back and returns None.

What was committed is read from a second connection (`_committed_sites`), so a change the
request flushed but never committed cannot pass for a saved one.
"""

from datetime import UTC, datetime

import click
import pytest
from flask import redirect
from sqlalchemy import func, select

from core.domain_errors import Conflict, Refused
from core.messages import Message
from core.transaction import WRAPPED, run_job, transactional_callback, transactional_view
from core.validation import ValidationFailed
from extensions import db
from reports.models import ReportSnapshot
from sites.models import Site
from sites.services import SiteInput, create_site

LONG_HOLIDAYS = "\n".join(f"2026-12-25 Christmas, line {n:04d}" for n in range(300))


def _committed_sites() -> list[str]:
    with db.engine.connect() as connection:
        return sorted(connection.execute(select(Site.name)).scalars())


def _flush_site(name: str = "Flushed Inn") -> Site:
    return create_site(SiteInput(name=name, timezone="UTC", holidays="2026-12-25 Christmas"))


def _said(text: str) -> Message:
    """A message of these test-only views (not declared: the catalogue never sees it)."""
    return Message("test_only." + text.split()[0].lower(), text)


class NotYours(Refused):
    status = 403


@pytest.fixture
def routes(app):
    """Test-only views, wrapped explicitly (init_app ran when create_app did)."""

    def flush_and_answer(status: int):
        _flush_site()
        if status == 302:
            return redirect("/")
        return "answered", status

    def flush_then_refuse():
        _flush_site()
        raise ValidationFailed({"name": _said("Refused after the flush.")})

    def refuse(kind: str):
        _flush_site()
        errors = {"refused": Refused(_said("Not in this state.")),
                  "forbidden": NotYours(_said("Not you.")),
                  "conflict": Conflict(_said("Changed meanwhile; look again."))}
        raise errors[kind]

    def commit_fails():
        db.session.add(Site(name="Harbour Inn", timezone="UTC"))  # the name is taken
        return "not saved"

    for prefix in ("/test-only", "/api/test-only"):
        for rule, view in (("/flush/<int:status>", flush_and_answer),
                           ("/flush-then-refuse", flush_then_refuse),
                           ("/refuse/<kind>", refuse), ("/commit-fails", commit_fails)):
            app.add_url_rule(prefix + rule, endpoint=prefix + rule, methods=["POST"],
                             view_func=transactional_view(view))
    return app


def test_every_view_and_command_is_behind_the_boundary(app):
    views = {e: v for e, v in app.view_functions.items() if not e.endswith("static")}
    assert views and all(getattr(v, WRAPPED, False) for v in views.values())
    commands = list(app.cli.commands.values())
    while commands:
        command = commands.pop()
        commands.extend(getattr(command, "commands", {}).values())
        if command.callback is not None:
            assert getattr(command.callback, WRAPPED, False), command.name


def test_a_form_refused_after_the_service_flushed_keeps_nothing(client, login):
    """A real two-part path: the service accepts the site and flushes it with its holiday;
    the form refuses the holidays' length. The page answers 422 and nothing is kept."""
    login("manager")
    response = client.post("/admin/sites/new", data={
        "name": "Harbour Inn", "timezone": "Europe/London", "hours": "24/7",
        "currency": "GBP", "holidays": LONG_HOLIDAYS,
        "front_desk_limit": "100", "supervisor_limit": "1000",
    })
    assert response.status_code == 422
    assert db.session.scalar(select(Site).where(Site.name == "Harbour Inn")) is None
    assert "Harbour Inn" not in _committed_sites()


def test_a_validation_failure_escaping_a_view_rolls_back_and_answers_422(routes, client):
    page = client.post("/test-only/flush-then-refuse")
    assert page.status_code == 422
    assert "Refused after the flush." in page.get_data(as_text=True)
    api = client.post("/api/test-only/flush-then-refuse")
    assert api.status_code == 422
    assert api.get_json() == {"error": {"code": "validation_failed",
                                        "message": "Some fields are not valid.",
                                        "fields": {"name": "Refused after the flush."}}}
    assert db.session.scalar(select(func.count(Site.id))) == 0
    assert _committed_sites() == []


@pytest.mark.parametrize("kind, status, code, message", [
    ("refused", 409, "conflict", "Not in this state."),
    ("forbidden", 403, "forbidden", "Not you."),
    ("conflict", 409, "conflict", "Changed meanwhile; look again."),
])
def test_refused_and_conflict_answer_their_status_and_roll_back(routes, client, kind,
                                                                status, code, message):
    page = client.post(f"/test-only/refuse/{kind}")
    assert page.status_code == status
    assert message in page.get_data(as_text=True)
    api = client.post(f"/api/test-only/refuse/{kind}")
    assert api.status_code == status
    assert api.get_json() == {"error": {"code": code, "message": message}}
    assert _committed_sites() == []


@pytest.mark.parametrize("status, kept", [(200, True), (302, True), (422, False),
                                          (409, False)])
def test_a_view_commits_a_success_and_rolls_back_an_error_status(routes, client, status,
                                                                 kept):
    response = client.post(f"/test-only/flush/{status}")
    assert response.status_code == status
    assert _committed_sites() == (["Flushed Inn"] if kept else [])
    db.session.remove()
    assert db.session.scalar(select(func.count(Site.id))) == (1 if kept else 0)


def test_a_failed_commit_is_rolled_back_and_answers_500(routes, client, make_site):
    make_site(name="Harbour Inn")
    response = client.post("/test-only/commit-fails")
    assert response.status_code == 500
    assert db.session.scalar(select(func.count(Site.id))) == 1  # the session is usable
    assert _committed_sites() == ["Harbour Inn"]


@pytest.fixture
def command(app):
    @click.command("test-flush-then")
    @click.argument("ending", type=click.Choice(["return", "click-error", "exit", "crash"]))
    def flush_then(ending: str) -> None:
        _flush_site("From The Command")
        if ending == "click-error":
            raise click.ClickException("refused after the flush")
        if ending == "exit":
            raise SystemExit(2)
        if ending == "crash":
            raise RuntimeError("crashed after the flush")
        click.echo("done")

    flush_then.callback = transactional_callback(flush_then.callback)
    app.cli.add_command(flush_then)
    return flush_then


@pytest.mark.parametrize("ending, exit_code, kept", [
    ("return", 0, True), ("click-error", 1, False), ("exit", 2, False), ("crash", 1, False),
])
def test_a_command_commits_when_it_returns_and_rolls_back_when_it_raises(
        runner, command, ending, exit_code, kept):
    result = runner.invoke(args=["test-flush-then", ending])
    assert result.exit_code == exit_code, result.output
    if ending == "click-error":
        assert "refused after the flush" in result.output
    assert _committed_sites() == (["From The Command"] if kept else [])
    assert db.session.scalar(select(func.count(Site.id))) == (1 if kept else 0)


def test_a_real_command_refusing_input_keeps_nothing(runner):
    result = runner.invoke(args=["create-site", "Harbour Inn", "--timezone", "Mars/Base"])
    assert result.exit_code == 2
    assert "not an IANA time zone" in result.output
    assert _committed_sites() == []


def test_run_job_commits_a_job_that_returns(app):
    assert run_job(app, "test job", lambda: _flush_site().name) == "Flushed Inn"
    assert _committed_sites() == ["Flushed Inn"]


def test_run_job_rolls_back_a_failing_job_and_returns_none(app, caplog):
    def failing():
        _flush_site()
        raise RuntimeError("the job broke after its flush")

    assert run_job(app, "test job", failing) is None
    assert "the job test job failed" in caplog.text
    assert _committed_sites() == []
    assert run_job(app, "test job", lambda: len(_committed_sites())) == 0


def test_run_job_rolls_back_savepoints_it_released(app, make_site):
    """A report stored in a savepoint (reports.snapshots.store_once) is part of the job's
    one transaction: a failure later in the job takes it back too."""
    from reports.snapshots import store_once

    site_id = make_site(name="East Hotel", timezone="Asia/Shanghai").id
    monday = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)

    def store_then_fail():
        assert store_once("2026-W47", db.session.get(Site, site_id), monday) is not None
        raise RuntimeError("failed after the report was stored")

    assert run_job(app, "weekly-reports", store_then_fail) is None
    with db.engine.connect() as connection:
        stored = connection.execute(select(func.count(ReportSnapshot.id))).scalar()
    assert stored == 0
