"""PostgreSQL's own tools, `pg_dump` and `pg_restore`, run with the app's connection.

The libpq connection comes from the SQLAlchemy URL through environment variables (PGHOST,
PGPORT, PGUSER, PGDATABASE and the SSL options of the URL's query); the password goes
into a private pgpass file (mode 0600, in a private temporary folder, removed after the
run), never onto the command line nor into the environment, where other users' `ps` may
read it. Inherited PG* variables are dropped, so the tools reach exactly the database the
app uses; `--no-password` makes a wrong password an error instead of a prompt.
"""

import os
import shutil
import subprocess  # nosec B404  # runs pg_dump/pg_restore with an argument list, no shell
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

# URL query options libpq understands, and the environment variable for each.
QUERY_OPTIONS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "gssencmode": "PGGSSENCMODE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
CONNECT_TIMEOUT_SECONDS = "10"


class ToolError(Exception):
    """A PostgreSQL tool is missing, or it failed; the message is one line."""


def _pgpass_line(password: str) -> str:
    """A pgpass entry that matches any server (the file serves this one run only)."""
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


def _query_env(url: URL) -> dict[str, str]:
    env = {}
    for key, value in url.query.items():
        if key not in QUERY_OPTIONS:
            raise ToolError(f"DATABASE_URL option {key!r} is not supported by backup/restore")
        env[QUERY_OPTIONS[key]] = value if isinstance(value, str) else value[-1]
    return env


@contextmanager
def libpq_env(url: URL) -> Iterator[dict[str, str]]:
    """The environment for a PostgreSQL tool reaching the database of `url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGCONNECT_TIMEOUT"] = CONNECT_TIMEOUT_SECONDS
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port),
                        ("PGUSER", url.username), ("PGDATABASE", url.database)):
        if value:
            env[name] = str(value)
    env.update(_query_env(url))
    folder = Path(tempfile.mkdtemp(prefix="rd-pg-"))
    try:
        if url.password:
            pgpass = folder / "pgpass"
            pgpass.touch(mode=0o600)
            pgpass.write_text(_pgpass_line(str(url.password)))
            env["PGPASSFILE"] = str(pgpass)
        else:
            env["PGPASSFILE"] = str(folder / "none")
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _one_line(stderr: str, tool: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return errors[0] if errors else f"{tool} failed"


def run_tool(tool: str, arguments: list[str], url: URL) -> None:
    """Run `tool` (pg_dump or pg_restore) against `url`'s database, or raise ToolError."""
    binary = shutil.which(tool) or shutil.which(tool, path="/usr/bin:/usr/local/bin")
    if binary is None:
        raise ToolError(f"{tool} is not installed (Debian/Ubuntu: apt install postgresql-client)")
    with libpq_env(url) as env:
        done = subprocess.run(  # nosec B603  # fixed binary, argument list, no shell
            [binary, "--no-password", *arguments], env=env, capture_output=True, text=True,
            check=False,
        )
    if done.returncode != 0:
        raise ToolError(_one_line(done.stderr, tool))


def conninfo_dbname(name: str) -> str:
    """`dbname='…'` for a tool's --dbname: always a conninfo string, never read as a URI or
    as options, whatever the name holds."""
    escaped = name.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{escaped}'"


def dump(url: URL, target: Path) -> None:
    """`pg_dump --format=custom` of the whole database: one consistent snapshot."""
    run_tool("pg_dump", ["--format=custom", f"--file={target}"], url)


def restore(url: URL, source: Path) -> None:
    """`pg_restore` in one transaction, stopping at the first error (all or nothing).
    Objects are owned by the restoring user; the dump's grants are not replayed."""
    run_tool("pg_restore", ["--exit-on-error", "--single-transaction", "--no-owner",
                            "--no-privileges", f"--dbname={conninfo_dbname(url.database)}",
                            str(source)], url)
