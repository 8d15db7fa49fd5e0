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
    assert "password: Use at least 10 characters." in result.output
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


# --- hostile arguments: one clean line, exit 2, nothing written --------------------------

NUL, SURROGATE = "Harbour\x00Inn", "Harbour\udcffInn"  # undecodable argv bytes → surrogates


def _refused(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.mark.parametrize(
    "args, named",
    [
        ([NUL, "--timezone", "UTC"], "NAME"),
        ([SURROGATE, "--timezone", "UTC"], "NAME"),
        (["Harbour Inn", "--timezone", "Asia/\x00Shanghai"], "--timezone"),
        (["Harbour Inn", "--timezone", "UTC", "--hours", "mon-fri ²9:00-18:00"], "hours"),
        (["Harbour Inn", "--timezone", "UTC", "--hours", "mon-fri ٠٩:00-18:00"], "hours"),
        (["Harbour Inn", "--timezone", "UTC", "--hours", "mon \udcff9:00-18:00"], "--hours"),
        (["Harbour Inn", "--timezone", "UTC", "--currency", "\x00"], "--currency"),
        (["x" * 300, "--timezone", "UTC"], "NAME"),
    ],
)
def test_cli_create_site_refuses_hostile_arguments(runner, args, named):
    line = _refused(runner.invoke(args=["create-site", *args]))
    assert named in line
    assert "\x00" not in line and "\udcff" not in line
    assert _count(Site) == 0


@pytest.mark.parametrize(
    "args, named",
    [
        (["li\x00na"], "USERNAME"),
        (["li\udcffna"], "USERNAME"),
        (["lina", "--display-name", "L" * 500], "--display-name"),
        (["lina", "--email", "lina\x00@example.com"], "--email"),
    ],
)
def test_cli_create_user_refuses_hostile_arguments(runner, make_site, args, named):
    make_site(name="Harbour Inn")
    base = ["create-user", args[0], "--role", "manager", "--site", "Harbour Inn"]
    line = _refused(runner.invoke(args=base + args[1:]))
    assert named in line
    assert _count(User) == 0


def test_cli_create_user_refuses_a_nul_or_undecodable_password(runner, make_site):
    make_site(name="Harbour Inn")
    args = ["create-user", "lina", "--role", "manager", "--site", "Harbour Inn",
            "--password-stdin"]
    assert "password" in _refused(runner.invoke(args=args, input="correct\x00horse battery\n"))
    assert "password" in _refused(runner.invoke(args=args, input=b"correct \xff horse\n"))
    assert _count(User) == 0


@pytest.mark.parametrize(
    "args, named",
    [(["gh\x00ost"], "USERNAME"), (["gh\udcffost"], "USERNAME"),
     (["{user}", "--name", "n" * 81], "--name")],
)
def test_cli_create_token_refuses_hostile_arguments(runner, make_user, args, named):
    from auth.models import ApiToken

    user = make_user()
    args = [arg.format(user=user.username) for arg in args]
    assert named in _refused(runner.invoke(args=["create-token", *args]))
    assert _count(ApiToken) == 0


@pytest.mark.parametrize(
    "args, named",
    [(["--week", "2026-W\x0047"], "--week"), (["--week", "²⁰²⁶-W47"], "--week"),
     (["--week", "0001-W01"], "--week"), (["--week", "9998-W01"], "--week"),
     (["--week", "1999-W01"], "--week"), (["--site", "Cli\x00Hotel"], "--site"),
     (["--site", "Cli\udcffHotel"], "--site")],
)
def test_cli_report_weekly_refuses_hostile_arguments(runner, args, named):
    from reports.models import ReportSnapshot

    result = runner.invoke(args=["report", "weekly", "--store", *args])
    assert named in _refused(result)
    assert _count(ReportSnapshot) == 0


def test_cli_create_site_open_less_than_an_hour_a_week_is_refused(runner):
    from sites.models import Site

    result = runner.invoke(args=["create-site", "Tiny Kiosk", "--timezone", "Asia/Shanghai",
                                 "--hours", "mon 09:00-09:30"])
    assert result.exit_code != 0
    assert "at least one hour a week" in result.output
    assert db.session.query(Site).filter_by(name="Tiny Kiosk").count() == 0
