"""`flask create-site`, and the command line's one way of refusing bad input.

Every command checks its arguments through the input layer (`core.inputs`) before it reads
or writes anything: a NUL byte, bytes that are not UTF-8 (Python hands them over as lone
surrogates) or an absurd length is one clean `Error:` line and exit status 2, never a
traceback. Raising SystemExit from the callback is what makes the transaction boundary
(core.transaction) roll back: nothing is kept.
"""

from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext

from core import inputs
from core.validation import ValidationFailed
from sites.services import SiteInput, create_site


def refuse(label: str, reason: str) -> NoReturn:
    """Print one `Error: label: reason` line and exit non-zero."""
    click.echo(f"Error: {label}: {reason}", err=True)
    raise SystemExit(2)


def fail(failed: ValidationFailed) -> NoReturn:
    """Print every field error (one line each) and exit non-zero."""
    for name, reason in failed.fields.items():
        click.echo(f"Error: {name}: {reason}", err=True)
    raise SystemExit(2)


def check_arguments(arguments: dict[str, tuple[str | None, int]]) -> None:
    """Refuse the first argument (label → value, longest length) that is not clean text."""
    for label, (value, limit) in arguments.items():
        if value is None:
            continue
        try:
            inputs.clean_text(value, max_length=limit)
        except inputs.InputError as refused:
            refuse(label, refused.reason)


@click.command("create-site")
@click.argument("name")
@click.option("--timezone", "timezone", required=True, help="IANA time zone, e.g. Asia/Shanghai")
@click.option("--hours", default="24/7", show_default=True, help="24/7 or weekday slots")
@click.option("--currency", default="CNY", show_default=True, help="ISO 4217 code")
@with_appcontext
def create_site_command(name: str, timezone: str, hours: str, currency: str) -> None:
    """Create a site with its time zone, business hours and currency."""
    check_arguments({"NAME": (name, 200), "--timezone": (timezone, 64),
                     "--hours": (hours, 500), "--currency": (currency, 8)})
    try:
        site = create_site(SiteInput(name=name, timezone=timezone, hours=hours, currency=currency))
    except ValidationFailed as failed:
        fail(failed)
    click.echo(f"Created site '{site.name}' ({site.timezone}, {site.hours_spec}, {site.currency}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_site_command)
