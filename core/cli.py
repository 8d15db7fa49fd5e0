"""`flask init-db`: create or upgrade the schema through the migrations."""

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema, then add missing defaults. Safe to run twice."""
    from core.clock import utcnow
    from sla.recompute import backfill_deadlines
    from tickets.categories import ensure_default_categories

    upgrade()
    ensure_default_categories()
    timed = backfill_deadlines(utcnow())
    db.session.commit()
    if timed:
        click.echo(f"Computed SLA due times for {timed} existing ticket(s).")
    click.echo("Database schema is up to date.")


def init_app(app: Flask) -> None:
    app.cli.add_command(init_db_command)
