"""`flask create-site`."""

from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext

from core.validation import ValidationFailed
from sites.services import SiteInput, create_site


def fail(failed: ValidationFailed) -> NoReturn:
    """Print every field error and exit non-zero. Raising from the command's callback is
    what makes the transaction boundary (core.transaction) roll back: nothing is kept."""
    for name, reason in failed.fields.items():
        click.echo(f"Error: {name}: {reason}", err=True)
    raise SystemExit(2)


@click.command("create-site")
@click.argument("name")
@click.option("--timezone", "timezone", required=True, help="IANA time zone, e.g. Asia/Shanghai")
@click.option("--hours", default="24/7", show_default=True, help="24/7 or weekday slots")
@click.option("--currency", default="CNY", show_default=True, help="ISO 4217 code")
@with_appcontext
def create_site_command(name: str, timezone: str, hours: str, currency: str) -> None:
    """Create a site with its time zone, business hours and currency."""
    try:
        site = create_site(SiteInput(name=name, timezone=timezone, hours=hours, currency=currency))
    except ValidationFailed as failed:
        fail(failed)
    click.echo(f"Created site '{site.name}' ({site.timezone}, {site.hours_spec}, {site.currency}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_site_command)
