"""`flask report weekly`: the weekly recovery report in the terminal, as CSV or as JSON."""

import json

import click
from flask import Flask
from flask.cli import AppGroup

from core.clock import utcnow
from reports.formats import as_csv, as_text
from reports.snapshots import report_for, store
from reports.weeks import parse_week_near, previous_week, week_of
from sites.cli import check_arguments, refuse
from sites.services import find_site

report_cli = AppGroup("report", help="The weekly recovery report.")
FORMATS = ("text", "csv", "json")


def _week(text: str | None, zone: str) -> str:
    """The asked week (within reach: twenty years back to one ahead), or the last full week
    in `zone`."""
    if not text:
        return str(previous_week(week_of(utcnow(), zone)))
    try:
        return str(parse_week_near(text, utcnow().date()))
    except ValueError as error:
        refuse("--week", str(error))


@report_cli.command("weekly")
@click.option("--week", help="ISO week such as 2026-W47 (default: last week)")
@click.option("--site", "site_name", help="a site's name (default: all sites)")
@click.option("--format", "output", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.option("--store", "keep", is_flag=True,
              help="store (or regenerate) the week's snapshot first")
def weekly_command(week: str | None, site_name: str | None, output: str, keep: bool) -> None:
    """Print the week's report: the stored snapshot when there is one, else live figures."""
    check_arguments({"--week": (week, 20), "--site": (site_name, 200)})
    site = None
    if site_name:
        site = find_site(site_name)
        if site is None:
            refuse("--site", f"no site called '{site_name}'.")
    chosen_week = _week(week, site.timezone if site else "UTC")
    now = utcnow()
    if keep:
        store(chosen_week, site, now)
    figures, snapshot = report_for(chosen_week, site, now)
    _print(figures, output)
    if output == "text":
        click.echo(f"Stored {snapshot.generated_at.isoformat()}." if snapshot
                   else "Live figures (not stored).")


def _print(figures: dict, output: str) -> None:
    if output == "json":
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    elif output == "csv":
        click.echo(as_csv(figures), nl=False)
    else:
        click.echo(as_text(figures), nl=False)


def init_app(app: Flask) -> None:
    app.cli.add_command(report_cli)
