"""`flask customer export ID PATH`, `flask customer erase ID --confirm ERASE` and
`flask customer anonymise-inactive` (one retention run now). Each command is one
transaction (core.transaction): the export's log row, or the whole erasure, commits when
the command returns."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core import inputs
from core.clock import utcnow
from core.domain_errors import Refused
from customers.models import Customer
from extensions import db
from privacy.erasure import CONFIRM_WORD, erase_customer
from privacy.export import export_customer
from privacy.retention import SETTING, anonymise_inactive, retention_months


def find_customer(customer_id: str) -> Customer:
    """The customer with this id (ASCII digits, in the database's range), or a clean CLI
    error."""
    try:
        number = inputs.parse_int(customer_id)
    except inputs.InputError as problem:
        raise click.ClickException(f"ID: {problem}") from None
    customer = db.session.get(Customer, number)
    if customer is None:
        raise click.ClickException(f"No customer with id {number}.")
    return customer


@click.command("export")
@click.argument("customer_id")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(customer_id: str, path: Path) -> None:
    """Write everything held about one customer to PATH (a new ZIP file)."""
    customer = find_customer(customer_id)
    try:
        target = path.open("xb")
    except FileExistsError:
        raise click.ClickException(f"{path} already exists; choose a new file.") from None
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror}.") from None
    try:
        with target:
            counts = export_customer(customer, target, None, utcnow())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise click.ClickException(f"Cannot write {path}: {error.strerror}.") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    click.echo(f"Exported customer {customer.id}: {counts['tickets']} tickets, "
               f"{counts['files']} files, to {path}.")


@click.command("erase")
@click.argument("customer_id")
@click.option("--confirm", "confirmation", required=True,
              help=f"the word {CONFIRM_WORD}, to confirm")
@with_appcontext
def erase_command(customer_id: str, confirmation: str) -> None:
    """Erase one customer's personal data; their tickets stay, anonymised."""
    customer = find_customer(customer_id)
    if confirmation != CONFIRM_WORD:
        raise click.ClickException(f"Nothing erased: confirm with --confirm {CONFIRM_WORD}.")
    try:
        done = erase_customer(customer, None, utcnow())
    except Refused as refused:
        raise click.ClickException(refused.reason) from None
    click.echo(f"Erased customer {customer.id}: {done.tickets} tickets anonymised, "
               f"{done.attachments} attachments removed.")


@click.command("anonymise-inactive")
@with_appcontext
def anonymise_command() -> None:
    """Run the retention rule once now (the scheduler runs it daily)."""
    try:
        months = retention_months(current_app.config)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if months is None:
        click.echo(f"Retention is off ({SETTING} is not set).")
        return
    click.echo(f"Erased {anonymise_inactive(utcnow())} customers inactive for {months} months.")


COMMANDS = (export_command, erase_command, anonymise_command)
