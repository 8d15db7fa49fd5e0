"""`flask seed-demo` and `flask seed-bulk`."""

import sys
import time

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from auth.models import User
from core.validation import ValidationFailed
from customers.models import Customer
from demo.bulk import BulkSummary, seed_bulk
from demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SITE, seed_demo
from extensions import db
from sites.cli import WholeNumber, check_arguments, fail
from sites.models import Site
from sites.services import find_site
from tickets.models import Ticket


def print_logins() -> None:
    click.echo("Demo sign-ins (demo only):")
    for username, role, _name in DEMO_LOGINS:
        click.echo(f"  {username:<8} / {DEMO_PASSWORD}   {role}")


def _count(model, site_id: int) -> int:
    return db.session.scalar(select(func.count(model.id)).where(model.site_id == site_id))


def summary() -> str:
    """One line saying what the demo site holds."""
    site = find_site(DEMO_SITE)
    users, customers, tickets = (_count(m, site.id) for m in (User, Customer, Ticket))
    return (
        f"Demo data loaded: 1 site, {users} users, {customers} customers, {tickets} tickets."
    )


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="only when the database has no site yet")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo site, users, customers and tickets (once)."""
    if if_empty and db.session.scalar(select(func.count(Site.id))):
        click.echo("The database already has data; demo data not loaded.")
        print_logins()
        return
    created = seed_demo()
    click.echo(summary() if created else "Demo data is already present.")
    print_logins()


MAX_BULK_TICKETS = 10_000_000


def _with_bar(batches):
    """The batches, with a progress bar counting tickets on standard error."""
    total = sum(len(batch) for batch in batches)
    with click.progressbar(length=total, label="Cloning tickets", file=sys.stderr,
                           show_eta=True) as bar:
        for batch in batches:
            yield batch
            bar.update(len(batch))


def _report(summary: BulkSummary, seconds: float) -> None:
    rate = summary.tickets / seconds if seconds else 0
    click.echo(f"Seeded {summary.tickets} tickets ({summary.templates} played through the "
               f"workflow, {summary.open} open) and {summary.customers} customers at "
               f"{', '.join(summary.sites)} in {seconds:.1f} s ({rate:,.0f} tickets/s).")
    click.echo(f"Sign-ins (password {DEMO_PASSWORD}, benchmark and demo data only):")
    for username, role, site in summary.logins:
        click.echo(f"  {username:<24} {role:<12} {site}")


@click.command("seed-bulk")
@click.option("--tickets", type=WholeNumber(1, MAX_BULK_TICKETS), required=True,
              help="how many tickets to add")
@click.option("--weeks", type=WholeNumber(1, 520), default=26, show_default=True,
              help="spread the finished tickets over the last WEEKS weeks")
@click.option("--site", "site_name", default=None,
              help="put every ticket at this site (made if missing); default: three hotels")
@with_appcontext
def seed_bulk_command(tickets: int, weeks: int, site_name: str | None) -> None:
    """Add realistic synthetic tickets in every state, fast (benchmarks, demos at scale)."""
    check_arguments({"--site": (site_name, 80)})
    started = time.perf_counter()
    try:
        summary = seed_bulk(tickets, weeks, site_name, progress=_with_bar)
    except ValidationFailed as failed:
        fail(failed, {"name": "--site"})
    _report(summary, time.perf_counter() - started)


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_bulk_command)
