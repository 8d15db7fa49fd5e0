"""`flask outbox send`: one pass of the outbox sender from the command line (or cron)."""

import click
from flask import Flask
from flask.cli import AppGroup

from core.clock import utcnow

outbox_cli = AppGroup("outbox", help="Outgoing mail and webhook deliveries.")


@outbox_cli.command("send")
def send_command() -> None:
    """Send every message (mail, webhook delivery) that is due now; prints counts."""
    from outbox.sender import send_due

    counts = send_due(utcnow())
    if not counts:
        click.echo("Nothing was due in the outbox.")
        return
    click.echo("Outbox: " + ", ".join(f"{outcome} {n}" for outcome, n in sorted(counts.items())))


def init_app(app: Flask) -> None:
    """Register `flask outbox send`."""
    app.cli.add_command(outbox_cli)
