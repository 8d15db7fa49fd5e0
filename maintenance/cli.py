"""`flask check-integrity`, `flask backup PATH`, `flask restore PATH`.

Each answers in one line per finding or one line of error, never a traceback: exit 0 when
all is well, 1 with the findings or the error.
"""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from core.clock import utcnow
from extensions import db
from maintenance.backup import (
    BackupError,
    create_backup,
    restore_backup,
    shown,
    ticket_count,
)
from maintenance.integrity import BATCH, check_integrity
from sites.cli import WholeNumber


def _database_error(exc: SQLAlchemyError) -> click.ClickException:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__]
    return click.ClickException(f"the database could not be read: {first[0]}")


@click.command("check-integrity")
@click.option("--batch", type=WholeNumber(1, 10_000), default=BATCH, show_default=True,
              help="tickets read per batch")
@with_appcontext
def check_integrity_command(batch: int) -> None:
    """Check the database's invariants: exit 0 when clean, 1 with one line per finding."""
    try:
        report = check_integrity(batch=batch)
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    for finding in report.findings:
        click.echo(finding.line())
    summary = f"{report.tickets} ticket(s) and {report.outbox} outbox row(s) checked"
    if report.clean:
        click.echo(f"Integrity check clean: {summary}.")
        return
    click.echo(f"{len(report.findings)} finding(s): {summary}.", err=True)
    raise SystemExit(1)


@click.command("backup")
@click.argument("path")
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the database and the uploaded files into the new folder PATH."""
    config = current_app.config
    try:
        outcome = create_backup(config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_DIR"], path,
                                utcnow())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"backup failed: {shown(exc)}") from None
    click.echo(f"Backup written to {shown(path)}: {outcome.engine} database and "
               f"{outcome.files} uploaded file(s).")


@click.command("restore")
@click.argument("path")
@with_appcontext
def restore_command(path: str) -> None:
    """Restore the backup in folder PATH into this app's empty database and upload folder."""
    config = current_app.config
    try:
        outcome = restore_backup(config["SQLALCHEMY_DATABASE_URI"], config["UPLOAD_DIR"], path,
                                 db.engine)
        tickets = ticket_count(db.engine)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"restore failed: {shown(exc)}") from None
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    click.echo(f"Restored {outcome.engine} database ({tickets} ticket(s)) and "
               f"{outcome.files} uploaded file(s) from {shown(path)}. "
               "Check it with: flask check-integrity")


def init_app(app: Flask) -> None:
    """Register the maintenance commands."""
    for command in (check_integrity_command, backup_command, restore_command):
        app.cli.add_command(command)
