"""`flask mail ingest [--site NAME]` (one message on standard input, for an MTA pipe) and
`flask mail poll` (unseen messages from IMAP_URL, once).

`ingest` prints the reference it opened or added to, or ``ignored: <reason>``,
``duplicate`` or ``kept for review: <reason>``; it exits 0 for every message it could read
(bad mail is held, not refused, so the MTA does not bounce it back to the guest) and 1
only when standard input could not be read at all. An unknown ``--site`` is exit 2.
"""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core import inputs
from core.clock import utcnow
from mailin import poll as poller
from mailin.ingest import HEAD_KEPT, UnknownSite, ingest, max_bytes
from mailin.route import site_named

mail_cli = AppGroup("mail", help="Customers' e-mail coming in.")
CHUNK = 1024 * 1024


def read_stdin(limit: int) -> tuple[bytes, int]:
    """(at most `limit` + 1 bytes of standard input, its whole length). The rest of an
    over-long message is read and dropped, so the writer of the pipe is never cut off."""
    stream = sys.stdin.buffer
    kept = bytearray()
    total = 0
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        room = limit + 1 - len(kept)
        if room > 0:
            kept.extend(chunk[:room])
    return bytes(kept), total


def _refuse(reason: str, code: int):
    click.echo(f"Error: {reason}", err=True)
    raise SystemExit(code)


def _check_site(name: str | None) -> None:
    if name is None:
        return
    try:
        name = inputs.clean_text(name, max_length=80, required=True)
    except inputs.InputError as refused:
        _refuse(f"--site: {refused.reason}", 2)
    if site_named(name) is None:
        _refuse(f"--site: no site is called '{name}'.", 2)


def outcome_line(status: str, reference: str, reason: str) -> str:
    if status == "ignored":
        return f"ignored: {reason}"
    if status == "duplicate":
        return "duplicate"
    if status == "malformed":
        return f"kept for review: {reason}"
    return reference


@mail_cli.command("ingest")
@click.option("--site", "site_name", default=None, help="Site for mail to no intake address")
def ingest_command(site_name: str | None) -> None:
    """Read one RFC 5322 message on standard input; print what became of it."""
    _check_site(site_name)
    try:
        raw, total = read_stdin(max(max_bytes(), HEAD_KEPT))
    except OSError as error:
        _refuse(f"standard input could not be read ({error.strerror or error}).", 1)
    if not raw:
        _refuse("standard input is empty: no message to read.", 1)
    try:
        result = ingest(raw, utcnow(), site_name.strip() if site_name else None, size=total)
    except UnknownSite:
        _refuse(f"--site: no site is called '{site_name}'.", 2)
    click.echo(outcome_line(result.status, result.reference, result.reason))


@mail_cli.command("poll")
def poll_command() -> None:
    """Fetch the unseen messages from IMAP_URL once and ingest each (one commit each)."""
    url = current_app.config.get("IMAP_URL") or ""
    if not url:
        _refuse("IMAP_URL is not set: nowhere to fetch mail from.", 2)
    try:
        counts = poller.poll(url, utcnow)
    except poller.ImapProblem as problem:
        _refuse(str(problem), 1)
    click.echo(poller.counts_line(counts))


def init_app(app: Flask) -> None:
    """Register `flask mail ingest` and `flask mail poll`."""
    app.cli.add_command(mail_cli)
