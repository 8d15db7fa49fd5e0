"""The command line: success and failure paths, nothing half-written on failure.

Commands share the test's session: after a success `db.session.rollback()` makes the check
read what the command committed; after a failure the check reads through the same session,
so anything flushed and not rolled back would show.
"""

import pytest
from sqlalchemy import func, select

from auth.models import User
from extensions import db
from sites.models import Site


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_cli_create_site_success(runner):
    result = runner.invoke(
        args=[
            "create-site",
            "Harbour Inn",
            "--timezone",
            "Europe/London",
            "--hours",
            "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00",
            "--currency",
            "GBP",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created site 'Harbour Inn'" in result.output
    db.session.rollback()
    site = db.session.scalars(select(Site)).one()
    assert (site.timezone, site.currency) == ("Europe/London", "GBP")
    assert site.hours_spec == "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-16:00"


def test_cli_create_site_defaults_to_always_open(runner):
    result = runner.invoke(args=["create-site", "Airport", "--timezone", "Asia/Tokyo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(Site)).one().hours_spec == "24/7"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--timezone", "Mars/Base"], "not an IANA time zone"),
        (["--timezone", "UTC", "--hours", "mon-fri 18:00-09:00"], "hours"),
        (["--timezone", "UTC", "--hours", "funday 09:00-10:00"], "funday"),
        (["--timezone", "UTC", "--currency", "XXQ"], "ISO 4217"),
    ],
)
def test_cli_create_site_bad_input(runner, args, message):
    result = runner.invoke(args=["create-site", "Harbour Inn", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert _count(Site) == 0


def test_cli_create_site_duplicate_name(runner, make_site):
    make_site(name="Harbour Inn")
    result = runner.invoke(args=["create-site", "harbour inn", "--timezone", "UTC"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert _count(Site) == 1


def test_cli_create_user_with_password_from_stdin(runner, make_site):
    make_site(name="Harbour Inn")
    result = runner.invoke(
        args=[
            "create-user",
            "lina",
            "--role",
            "supervisor",
            "--site",
            "Harbour Inn",
            "--email",
            "lina@example.com",
            "--password-stdin",
        ],
        input="a long secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long secret" not in result.output
    db.session.rollback()
    user = db.session.scalars(select(User)).one()
    assert user.role == "supervisor" and user.check_password("a long secret")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "janitor", "--site", "Harbour Inn"], "Unknown role 'janitor'"),
        (["--role", "manager", "--site", "Nowhere"], "No site called 'Nowhere'"),
        (["--role", "manager", "--site", "Harbour Inn", "--email", "x@"], "email"),
    ],
)
def test_cli_create_user_bad_input(runner, make_site, args, message):
    make_site(name="Harbour Inn")
    result = runner.invoke(args=["create-user", "lina", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert _count(User) == 0


def test_cli_create_user_duplicate_username(runner, make_user):
    existing = make_user()
    result = runner.invoke(
        args=["create-user", existing.username, "--role", "manager", "--site", "Home Site"]
    )
    assert result.exit_code != 0
    assert "already taken" in result.output
    assert _count(User) == 1


def test_cli_create_user_weak_password_refused(runner, make_site):
    make_site(name="Harbour Inn")
    result = runner.invoke(
        args=["create-user", "lina", "--role", "manager", "--site", "Harbour Inn",
              "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert _count(User) == 0


def test_cli_seed_demo_is_idempotent_and_prints_logins(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "desk" in first.output and "super" in first.output and "manager" in first.output
    users_after_first = _count(User)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "already present" in second.output
    db.session.rollback()
    assert _count(User) == users_after_first
    names = set(db.session.scalars(select(User.username)))
    assert {"desk", "super", "manager"} <= names


def test_cli_seed_demo_if_empty_skips_a_used_database(runner, make_site):
    make_site(name="Production")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert _count(Site) == 1
