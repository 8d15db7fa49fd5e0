"""The scheduler: started only where it should run, one sweep job that coalesces missed runs."""

from datetime import UTC, datetime, timedelta

import click
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from core import clock
from extensions import db
from jobs import schedule as scheduler
from tickets.models import TicketEvent


def _in_command(name: str, **params):
    context = click.Context(click.Command(name))
    context.params.update(params)
    return context


@pytest.fixture
def enabled(app):
    app.config.update(SCHEDULER_ENABLED=True, TESTING=False)
    yield app
    app.config.update(SCHEDULER_ENABLED=False, TESTING=True)


def test_it_runs_in_the_flask_run_process_only(enabled, monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with _in_command("run", reload=False):
        assert scheduler.should_run_in_process(enabled)
    with _in_command("init-db"):
        assert not scheduler.should_run_in_process(enabled)
    assert not scheduler.should_run_in_process(enabled)


def test_under_the_reloader_only_the_serving_child_starts_it(enabled, monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with _in_command("run", reload=True):
        assert not scheduler.should_run_in_process(enabled)
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
        assert scheduler.should_run_in_process(enabled)


def test_disabled_or_testing_never_starts(app):
    with _in_command("run", reload=False):
        assert not scheduler.should_run_in_process(app)


def test_the_sweep_every_minute_and_the_report_run_every_five_coalescing_missed_runs(app):
    assert isinstance(scheduler.build_scheduler(app, blocking=True), BlockingScheduler)
    built = scheduler.build_scheduler(app, blocking=False)
    assert isinstance(built, BackgroundScheduler)
    built.start(paused=True)
    try:
        jobs = {job.id: job for job in built.get_jobs()}
        assert set(jobs) == {"sla-sweep", "outbox", "weekly-reports", "retention",
                             "notification-digests"}
        assert jobs["sla-sweep"].trigger.interval == timedelta(minutes=1)
        assert jobs["weekly-reports"].trigger.interval == timedelta(minutes=5)
        assert jobs["notification-digests"].trigger.interval == timedelta(minutes=15)
        for job in jobs.values():
            assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    finally:
        built.shutdown(wait=False)


def test_a_scheduled_report_run_stores_last_week_and_never_raises(app, make_site,
                                                                    monkeypatch, caplog):
    from reports.models import ReportSnapshot

    site = make_site(timezone="Asia/Shanghai")
    clock.set_now(datetime(2026, 11, 23, 0, 5, tzinfo=UTC))  # Monday 08:05 in Shanghai
    scheduler.run_weekly_reports(app)
    stored = db.session.scalars(select(ReportSnapshot.week).where(
        ReportSnapshot.site_id == site.id)).all()
    assert stored == ["2026-W47"]

    def broken(_now):
        raise RuntimeError("database went away")

    monkeypatch.setattr("reports.schedule.run_weekly_reports", broken)
    scheduler.run_weekly_reports(app)
    assert "the weekly report run failed" in caplog.text


def test_a_scheduled_run_sweeps_and_never_raises(app, make_ticket, monkeypatch, caplog):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ticket = make_ticket(owner=None, severity="critical")
    clock.set_now(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    scheduler.run_sweep(app)
    events = db.session.scalars(
        select(TicketEvent.action).where(TicketEvent.ticket_id == ticket.id)
    ).all()
    assert "sla_level_2" in events

    def broken(_now):
        raise RuntimeError("database went away")

    monkeypatch.setattr("jobs.sweep.sweep", broken)
    scheduler.run_sweep(app)
    assert "the SLA sweep failed" in caplog.text


def test_sla_sweep_command_prints_what_it_did(runner, make_ticket):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    make_ticket(owner=None, severity="critical")
    clock.set_now(datetime(2026, 11, 23, 2, 20, tzinfo=UTC))
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    assert "Checked 1 ticket(s); ladder steps taken: sla_level_1: 1." in result.output
    again = runner.invoke(args=["sla", "sweep"])
    assert "Checked 0 ticket(s); ladder steps taken: none." in again.output


@pytest.mark.parametrize("value,expected", [(None, None), ("", None), ("0", False),
                                            ("false", False), ("1", True), ("TRUE", True)])
def test_the_environment_leaves_the_default_to_the_scheduler(monkeypatch, value, expected):
    from config import Config

    if value is None:
        monkeypatch.delenv("SCHEDULER_ENABLED", raising=False)
    else:
        monkeypatch.setenv("SCHEDULER_ENABLED", value)
    assert Config().SCHEDULER_ENABLED is expected


@pytest.mark.parametrize("setting,expected", [(None, True), (True, True), (False, False),
                                              ("0", False), ("false", False)])
def test_unset_means_on_for_flask_run_only(app, monkeypatch, setting, expected):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    app.config.update(SCHEDULER_ENABLED=setting, TESTING=False)
    try:
        with _in_command("run", reload=False):
            assert scheduler.should_run_in_process(app) is expected
        for other in ("init-db", "sweep", "seed-demo", "routes"):
            with _in_command(other):
                assert not scheduler.should_run_in_process(app)
        app.config.update(TESTING=True)
        with _in_command("run", reload=False):
            assert not scheduler.should_run_in_process(app)
    finally:
        app.config.update(SCHEDULER_ENABLED=False, TESTING=True)
