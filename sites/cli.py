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
from sites.links import complaint_url
from sites.services import SiteInput, create_site

OPTION_NAMES = {"public_code": "--code", "intake_address": "--intake-address"}


def refuse(label: str, reason: str) -> NoReturn:
    """Print one `Error: label: reason` line and exit non-zero."""
    click.echo(f"Error: {label}: {reason}", err=True)
    raise SystemExit(2)


def fail(failed: ValidationFailed, labels: dict[str, str] | None = None) -> NoReturn:
    """Print every field error (one line each, the field named by its option in `labels`
    when it has one) and exit non-zero."""
    for name, reason in failed.fields.items():
        click.echo(f"Error: {(labels or {}).get(name, name)}: {reason}", err=True)
    raise SystemExit(2)


class WholeNumber(click.ParamType):
    """A whole number in `low`..`high` written in ASCII digits (Python's int() would take
    other scripts' digits, such as Arabic-Indic ones, which no command means)."""

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
            number = int(value)
        else:
            self.fail(f"{value!r} is not a whole number in ASCII digits.", param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"{number} is not in the range {self.low}-{self.high}.", param, ctx)
        return number


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
@click.option("--code", default=None,
              help="public code of the complaint form (/complain/CODE); default: from the name")
@click.option("--intake-address", "intake_address", default=None,
              help="e-mail address whose mail opens tickets at this site")
@with_appcontext
def create_site_command(name: str, timezone: str, hours: str, currency: str,
                        code: str | None, intake_address: str | None) -> None:
    """Create a site with its time zone, business hours, currency and public code."""
    check_arguments({"NAME": (name, 200), "--timezone": (timezone, 64),
                     "--hours": (hours, 500), "--currency": (currency, 8),
                     "--code": (code, 200), "--intake-address": (intake_address, 320)})
    if code is not None and not code.strip():
        refuse("--code", "give a code, or leave the option out for one made from the name")
    try:
        site = create_site(SiteInput(name=name, timezone=timezone, hours=hours, currency=currency,
                                     public_code=code, intake_address=intake_address))
    except ValidationFailed as failed:
        fail(failed, OPTION_NAMES)
    click.echo(f"Created site '{site.name}' ({site.timezone}, {site.hours_spec}, {site.currency}).")
    click.echo(f"Public complaint form: {complaint_url(site)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_site_command)
