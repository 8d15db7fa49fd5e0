"""`flask seed-demo`."""

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from auth.models import User
from customers.models import Customer
from demo.seed import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SITE, seed_demo
from extensions import db
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


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
