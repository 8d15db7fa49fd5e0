"""Fetching unseen mail once from IMAP_URL (standard library `imaplib`) and ingesting it.

``IMAP_URL`` is ``imaps://user:password@host[:port]/MAILBOX`` (TLS, port 993 by default)
or ``imap://user:password@host[:port]/MAILBOX`` (port 143), with ``?starttls=1`` to
upgrade a plain connection; user and password are percent-encoded, the mailbox defaults
to INBOX.

Per unseen message (by UID, so the numbering cannot shift under us): its size, then its
bytes with ``BODY.PEEK[]`` (which does not set \\Seen), then `ingest` and a commit of its
own; only after that commit is the message flagged \\Seen. A message whose commit fails
stays unseen and is tried again at the next poll; a message over MAIL_MAX_BYTES is not
downloaded beyond its header. One bad message never blocks the others.
"""

import imaplib
import logging
import re
import ssl
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from core.errors import database_unreachable
from core.transaction import finish
from mailin.ingest import ingest, max_bytes

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"imaps": 993, "imap": 143}
SIZE = re.compile(rb"RFC822\.SIZE (\d{1,12})")
MAX_MESSAGES = 500


class ImapProblem(Exception):
    """The mailbox cannot be used: a bad IMAP_URL, or the server refused or failed."""


@dataclass(frozen=True)
class ImapSettings:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    mailbox: str
    starttls: bool


def parse_imap_url(url: str) -> ImapSettings:
    """The settings in IMAP_URL, or ImapProblem naming what is wrong (never the password)."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise ImapProblem("IMAP_URL is not a valid URL") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ImapProblem("IMAP_URL must start with imaps:// or imap://")
    if not parts.hostname or not parts.username:
        raise ImapProblem("IMAP_URL needs a user and a host: imaps://user:password@host/INBOX")
    options = parse_qs(parts.query)
    starttls = options.get("starttls", ["0"])[-1].strip().lower() in {"1", "true", "yes", "on"}
    return ImapSettings(
        secure=parts.scheme == "imaps", host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme], user=unquote(parts.username),
        password=unquote(parts.password or ""), starttls=starttls and parts.scheme == "imap",
        mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def _open(settings: ImapSettings, context: ssl.SSLContext) -> imaplib.IMAP4:
    if settings.secure:
        return imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context,
                                 timeout=TIMEOUT_SECONDS)
    return imaplib.IMAP4(settings.host, settings.port, timeout=TIMEOUT_SECONDS)


def connect(settings: ImapSettings) -> imaplib.IMAP4:
    """A signed-in connection with the mailbox selected (read-write, for \\Seen)."""
    context = ssl.create_default_context()
    try:
        connection = _open(settings, context)
    except (OSError, imaplib.IMAP4.error) as error:
        raise ImapProblem(f"the mailbox cannot be reached ({_short(error)})") from None
    try:
        if settings.starttls:
            connection.starttls(ssl_context=context)
        connection.login(settings.user, settings.password)
        status, _data = connection.select(_quoted(settings.mailbox))
    except (OSError, imaplib.IMAP4.error) as error:
        _close(connection)
        raise ImapProblem(f"the mailbox cannot be reached ({_short(error)})") from None
    if status != "OK":
        _logout(connection)
        raise ImapProblem(f"the mailbox {settings.mailbox!r} cannot be opened")
    return connection


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def _close(connection: imaplib.IMAP4) -> None:
    try:
        connection.shutdown()
    except OSError:
        pass


def _logout(connection: imaplib.IMAP4) -> None:
    """LOGOUT (which also closes the socket); the socket closed anyway when that fails."""
    try:
        connection.logout()
    except (OSError, imaplib.IMAP4.error):
        _close(connection)


def _uid_command(connection: imaplib.IMAP4, *args) -> list:
    status, data = connection.uid(*args)
    if status != "OK":
        raise ImapProblem(f"the server refused UID {args[0]}")
    return data


def unseen_uids(connection: imaplib.IMAP4) -> list[bytes]:
    data = _uid_command(connection, "SEARCH", None, "UNSEEN")
    return b" ".join(item for item in data if item).split()[:MAX_MESSAGES]


def _literal(data: list) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _size(connection: imaplib.IMAP4, uid: bytes) -> int | None:
    data = _uid_command(connection, "FETCH", uid, "(RFC822.SIZE)")
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        found = SIZE.search(line) if isinstance(line, bytes) else None
        if found:
            return int(found.group(1))
    return None


def fetch(connection: imaplib.IMAP4, uid: bytes, limit: int) -> tuple[bytes, int]:
    """(the bytes to ingest, the message's real size): the whole message without setting
    \\Seen, or only its header when it is over `limit`."""
    size = _size(connection, uid)
    section = "BODY.PEEK[HEADER]" if size is not None and size > limit else "BODY.PEEK[]"
    raw = _literal(_uid_command(connection, "FETCH", uid, f"({section})"))
    if raw is None:
        raise ImapProblem("the server sent no message")
    return raw, size if size is not None else len(raw)


def mark_seen(connection: imaplib.IMAP4, uid: bytes) -> None:
    _uid_command(connection, "STORE", uid, "+FLAGS", "(\\Seen)")


def _one(connection: imaplib.IMAP4, uid: bytes, now: Callable[[], datetime],
         counts: Counter) -> None:
    """Ingest one message and commit; flag it \\Seen only once that commit is done."""
    try:
        raw, size = fetch(connection, uid, max_bytes())
        result = ingest(raw, now(), size=size)
        finish(True)
    except (OSError, imaplib.IMAP4.error, ImapProblem) as error:
        finish(False)
        log.warning("mail poll: message %s could not be fetched (%s)", uid.decode(), _short(error))
        counts["not fetched"] += 1
        return
    except Exception as error:
        finish(False)
        if database_unreachable(error):
            raise
        log.exception("mail poll: message %s stays unseen for the next poll", uid.decode())
        counts["failed"] += 1
        return
    counts[result.status] += 1
    mark_seen(connection, uid)


def poll(url: str, now: Callable[[], datetime]) -> Counter:
    """One pass over the mailbox's unseen messages; counts per outcome."""
    settings = parse_imap_url(url)
    connection = connect(settings)
    counts: Counter = Counter()
    try:
        for uid in unseen_uids(connection):
            _one(connection, uid, now, counts)
    except (OSError, imaplib.IMAP4.error) as error:
        raise ImapProblem(f"the mailbox connection failed ({_short(error)})") from None
    finally:
        _logout(connection)
    return counts


def counts_line(counts: Counter) -> str:
    if not counts:
        return "No unseen mail."
    return "Mail: " + ", ".join(f"{outcome} {n}" for outcome, n in sorted(counts.items()))
