"""`flask sla sweep` and `flask scheduler run`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.clock import utcnow

sla_cli = AppGroup("sla", help="SLA clocks and escalation.")
scheduler_cli = AppGroup("scheduler", help="The timed jobs.")


@sla_cli.command("sweep")
def sweep_command() -> None:
    """One pass of the SLA and escalation job; prints what it did."""
    from sla.sweep import sweep

    for line in sweep(utcnow()).lines():
        click.echo(line)


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Run the timed jobs in this process until stopped (production: one such process)."""
    from sla.scheduler import build_scheduler

    click.echo("Scheduler running: SLA sweep every minute, weekly reports on Mondays 08:00 "
               "site time. Stop with Ctrl+C.")
    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def init_app(app: Flask) -> None:
    app.cli.add_command(sla_cli)
    app.cli.add_command(scheduler_cli)
