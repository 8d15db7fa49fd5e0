"""`flask init-db`, `flask sla sweep` and `flask scheduler run`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from core.clock import utcnow
from core.transaction import finish
from outbox.sender import send_due

sla_cli = AppGroup("sla", help="SLA clocks and escalation.")
scheduler_cli = AppGroup("scheduler", help="The timed jobs.")
notifications_cli = AppGroup("notifications", help="Notifications to staff.")


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema, then add missing defaults. Safe to run twice."""
    from tickets.categories import ensure_default_categories
    from tickets.recompute import backfill_deadlines

    upgrade()
    ensure_default_categories()
    timed = backfill_deadlines(utcnow())
    if timed:
        click.echo(f"Computed SLA due times for {timed} existing ticket(s).")
    click.echo("Database schema is up to date.")


@sla_cli.command("sweep")
def sweep_command() -> None:
    """One pass of the SLA and escalation job, then the mail it queued; prints what it did."""
    from jobs.sweep import sweep

    report = sweep(utcnow())
    finish(True)
    report.mail = send_due(utcnow())
    for line in report.lines():
        click.echo(line)


@notifications_cli.command("digest")
def digest_command() -> None:
    """Queue the daily digests due now, then send what is due in the outbox."""
    from notifications.digest import send_digests

    mailed = send_digests(utcnow())
    finish(True)
    counts = send_due(utcnow())
    click.echo(f"Daily digests queued: {mailed}.")
    if counts:
        click.echo("Mail: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Run the timed jobs in this process until stopped (production: one such process)."""
    from jobs.schedule import build_scheduler

    click.echo("Scheduler running: SLA sweep every minute, outbox every 15 seconds, weekly "
               "reports on Mondays 08:00 site time, daily digests from 08:00 site time. "
               "Stop with Ctrl+C.")
    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
    app.cli.add_command(sla_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(notifications_cli)
