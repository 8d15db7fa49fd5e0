"""One message in: recorded once, then a new ticket, words added to a ticket, or held.

`ingest(raw, now, site_name)` is the one entry for the MTA pipe (`flask mail ingest`) and
the IMAP poller (`flask mail poll`). Per message, inside a savepoint of the caller's
transaction (the command, or the poller's commit per message):

1. too big (over MAIL_MAX_BYTES) → held as ``malformed``, only its head kept, not parsed;
2. parsed (mailin.parse); not understood → held as ``malformed`` with its bytes;
3. a Message-ID already recorded → ``duplicate``, nothing written;
4. an auto-reply, bounce, list mail or loop (mailin.guard) → ``ignored`` with the reason;
5. a reply to a ticket (mailin.route) → the customer's words on that ticket
   (`correspondence.inbound.receive_customer_words`: added, reopened, or a new ticket that
   links a long-closed one), never a second ticket for the same complaint;
6. else a new ticket from the customer (`tickets.intake.open_customer_ticket`).

Photos and PDFs pass the staff upload's byte checks (the `add_attachment` step, one audit
event each); anything else is named in `attachments_skipped`, not stored. Bad mail never
raises: a failure while handling it undoes everything written for it and holds it as
``malformed`` with the kind of error, for a person to look at. Only an unreachable
database (not the mail's fault) goes up to the caller.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import database_unreachable
from core.inputs import INT32_MAX
from core.validation import ValidationFailed
from correspondence.inbound import receive_customer_words
from customers.services import CUSTOMER_LIMITS, CustomerInput
from extensions import db
from mailin import guard, route
from mailin.models import InboundMail
from mailin.parse import ParsedMail, Peek, Unreadable, parse_mail, peek_headers
from sites.models import Site
from tickets import files
from tickets.actions import perform
from tickets.intake import MAX_TEXT, CustomerComplaint, open_customer_ticket
from tickets.models import Ticket

log = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
HEAD_KEPT = 64 * 1024
CUT_MARK = "\n[…]"
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|sv|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)
LIMITS = {"from_address": 320, "subject": 300, "reason": 300}


@dataclass(frozen=True)
class IngestResult:
    """`status`: opened, added, reopened, ignored, malformed or duplicate; `reference` the
    ticket it opened or reached ("" when none); `reason` why it was ignored or held."""

    status: str
    reference: str = ""
    reason: str = ""


class UnknownSite(LookupError):
    """The site named for the intake does not exist (a caller's mistake, not the mail's)."""


class _Held(Exception):
    """Inside the savepoint: stop and hold the mail as malformed for `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def max_bytes() -> int:
    """MAIL_MAX_BYTES (a positive whole number), else 15 MB."""
    value = current_app.config.get("MAIL_MAX_BYTES")
    try:
        value = int(value)
    except (TypeError, ValueError):
        return DEFAULT_MAX_BYTES
    return value if value > 0 else DEFAULT_MAX_BYTES


def ingest(raw: bytes, now: datetime, site_name: str | None = None, *,
           size: int | None = None) -> IngestResult:
    """Take one message (its bytes; `size` is its real length when `raw` was cut short).
    Raises UnknownSite for an unknown `site_name`; never raises for bad mail."""
    fallback = None
    if site_name:
        fallback = route.site_named(site_name)
        if fallback is None:
            raise UnknownSite(site_name)
    size = max(size or 0, len(raw))
    if size > max_bytes():
        return _too_big(raw, size, now, fallback)
    try:
        with db.session.begin_nested():
            return _take(raw, size, now, fallback)
    except Exception as error:  # noqa: BLE001 - bad mail is held, never raised
        if database_unreachable(error):
            raise
        return _after_failure(raw, size, now, fallback, error)


def _after_failure(raw: bytes, size: int, now: datetime, fallback: Site | None,
                   error: Exception) -> IngestResult:
    """The savepoint is undone; a duplicate that raced us is a duplicate, anything else
    is held with its kind of error."""
    peek = peek_headers(raw)
    if isinstance(error, IntegrityError) and _recorded(peek.message_id) is not None:
        return IngestResult("duplicate")
    if isinstance(error, _Held):
        reason = error.reason
    elif isinstance(error, ValidationFailed):
        reason = "not accepted: " + "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    else:
        log.exception("an intake mail could not be processed; it is kept for review")
        reason = f"could not be processed ({type(error).__name__})"
    with db.session.begin_nested():
        return _hold_unread(raw, peek, size, now, fallback, reason)


def _hold_unread(raw: bytes, peek: Peek, size: int, now: datetime, fallback: Site | None,
                 reason: str) -> IngestResult:
    """Hold a message known from its headers alone (routed by its recipients)."""
    if _recorded(peek.message_id) is not None:
        return IngestResult("duplicate")
    site = route.choose_site(list(peek.recipients), fallback)
    return _hold(raw, peek.message_id, peek.sender, peek.subject, size, now, site, reason)


def _too_big(raw: bytes, size: int, now: datetime, fallback: Site | None) -> IngestResult:
    head = raw[:HEAD_KEPT]
    reason = f"too big ({_size_words(size)}; the limit is {_size_words(max_bytes())})"
    with db.session.begin_nested():
        return _hold_unread(head, peek_headers(head), size, now, fallback, reason)


def _size_words(size: int) -> str:
    """1,268 bytes; 15.0 MB."""
    return f"{size:,} bytes" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MB"


def _recorded(message_id: str | None) -> InboundMail | None:
    if not message_id:
        return None
    return db.session.scalar(select(InboundMail).where(InboundMail.message_id == message_id))


def _row(message_id: str, sender: str, subject: str, size: int, now: datetime,
         site: Site | None, status: str, reason: str = "") -> InboundMail:
    row = InboundMail(
        message_id=message_id, received_at=now, from_address=sender[:LIMITS["from_address"]],
        subject=subject[:LIMITS["subject"]], status=status, reason=reason[:LIMITS["reason"]],
        site_id=site.id if site is not None else None, size=min(size, INT32_MAX),
        attachments_skipped="",
    )
    db.session.add(row)
    db.session.flush()
    return row


def _hold(raw: bytes, message_id: str, sender: str, subject: str, size: int, now: datetime,
          site: Site | None, reason: str) -> IngestResult:
    row = _row(message_id, sender, subject, size, now, site, "malformed", reason)
    row.raw = raw
    db.session.flush()
    return IngestResult("malformed", reason=row.reason)


def _take(raw: bytes, size: int, now: datetime, fallback: Site | None) -> IngestResult:
    try:
        mail = parse_mail(raw)
    except Unreadable as unreadable:
        return _hold_unread(raw, peek_headers(raw), size, now, fallback, unreadable.reason)
    if _recorded(mail.message_id) is not None:
        return IngestResult("duplicate")
    site = route.choose_site(mail.recipients, fallback)
    reason = guard.why_ignored(mail, route.own_addresses())
    if reason:
        _row(mail.message_id, mail.from_address, mail.subject, size, now, site, "ignored",
             reason)
        return IngestResult("ignored", reason=reason)
    if site is None:
        raise _Held("no site to route it to")
    row = _row(mail.message_id, mail.from_address, mail.subject, size, now, site, "opened")
    return _deliver(mail, row, site, now)


def _deliver(mail: ParsedMail, row: InboundMail, site: Site, now: datetime) -> IngestResult:
    target = route.reply_target(mail)
    if target is not None:
        words = _words(mail, reply=True)
        received = receive_customer_words(target, words, "email", now,
                                          mail_message_id=mail.message_id)
        ticket, row.status = received.ticket, received.what
    else:
        ticket = open_customer_ticket(_complaint(mail, site), now)
        row.status = "opened"
    row.ticket_id, row.site_id = ticket.id, ticket.site_id
    row.attachments_skipped = "\n".join(_attach(ticket, mail, now))
    db.session.flush()
    return IngestResult(row.status, reference=ticket.ref)


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT - len(CUT_MARK)].rstrip() + CUT_MARK


def _words(mail: ParsedMail, *, reply: bool) -> str:
    """The customer's words: a new complaint's subject and text; a reply's text (its
    subject, without "Re:", when the text is empty)."""
    if reply:
        words = mail.body or REPLY_PREFIX.sub("", mail.subject).strip()
    else:
        words = "\n\n".join(part for part in (mail.subject, mail.body) if part)
    if not words.strip():
        raise _Held("no text to read (empty subject and body)")
    return _cut(words)


def _name(mail: ParsedMail) -> str:
    name = mail.from_name.strip().strip('"').strip()
    if not name or "@" in name:
        name = mail.from_address.rpartition("@")[0] or mail.from_address
    return name[:CUSTOMER_LIMITS["name"]]


def _complaint(mail: ParsedMail, site: Site) -> CustomerComplaint:
    customer = CustomerInput(name=_name(mail), email=mail.from_address, locale=mail.locale)
    return CustomerComplaint(site=site, channel="email", customer=customer,
                             description=_words(mail, reply=False))


def _attach(ticket: Ticket, mail: ParsedMail, now: datetime) -> list[str]:
    """Keep the photos and PDFs (the staff upload's checks); the names of the rest."""
    skipped = list(mail.skipped)
    for attachment in mail.attachments:
        kind = files.detect_kind(attachment.content[:16])
        if kind is None or len(attachment.content) > files.MAX_BYTES:
            skipped.append(files.clean_name(attachment.name))
            continue
        perform(ticket, "add_attachment", None,
                {"content": attachment.content, "file_name": attachment.name},
                version=None, now=now)
    return skipped
