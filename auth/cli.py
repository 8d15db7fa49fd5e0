"""`flask create-user`."""

import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from auth.models import ROLES
from auth.services import UserInput, create_user
from core import inputs
from core.validation import ValidationFailed
from sites.cli import check_arguments, fail, refuse
from sites.services import NO_SUCH_SITE, find_site


def _password_from_stdin() -> str:
    """The first line of standard input; text that is not UTF-8 or holds NUL is refused."""
    try:
        password = sys.stdin.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        refuse("password", "standard input is not UTF-8 text.")
    if inputs.is_broken(password):
        refuse("password", inputs.BROKEN_TEXT)
    return password


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help=f"one of {', '.join(ROLES)}")
@click.option("--site", "site_name", required=True, help="the site's name")
@click.option("--email", default="", help="e-mail address")
@click.option("--display-name", default="", help="the name shown to colleagues")
@click.option("--locale", default=None,
              help="en or zh_Hans; without it the user's browser chooses until they do")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    site_name: str,
    email: str,
    display_name: str,
    locale: str | None,
    password_stdin: bool,
) -> None:
    """Create a user. Without --password-stdin the account cannot sign in until one is set."""
    check_arguments({"USERNAME": (username, 40), "--role": (role, 20), "--site": (site_name, 200),
                     "--email": (email, 254), "--display-name": (display_name, 120),
                     "--locale": (locale, 10)})
    password = _password_from_stdin() if password_stdin else None
    site = find_site(site_name)
    data = UserInput(
        username=username,
        role=role,
        site=site,
        display_name=display_name,
        email=email,
        locale=locale,
        password=password,
    )
    try:
        user = create_user(data)
    except ValidationFailed as failed:
        if site is None:
            failed.fields["site"] = NO_SUCH_SITE(name=site_name)
        fail(failed)
    click.echo(f"Created {user.role} '{user.username}' at site '{user.site.name}'.")
    if password is None:
        click.echo("No password set: a manager can set one on the user's page.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="command line", help="what the token is for")
@with_appcontext
def create_token_command(username: str, name: str) -> None:
    """Create an API token; it is printed once, alone on the last line."""
    from auth.services import find_user
    from auth.tokens import create_token
    from core.clock import utcnow

    check_arguments({"USERNAME": (username, 40), "--name": (name, 80)})
    user = find_user(username)
    if user is None or not user.is_active:
        refuse("USERNAME", f"no active user called '{username}'.")
    try:
        _token, plain = create_token(user, name, utcnow())
    except ValidationFailed as failed:
        fail(failed)
    click.echo(f"API token for {user.username} (shown once; store it safely):")
    click.echo(plain)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
