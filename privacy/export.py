"""Everything held about one customer, as a ZIP: `customer.json` and their files.

`customer.json` holds every column of: the customer; each of their tickets with its events,
fix offers, follow-ups and their attempts, prevention actions and attachments, and its
status link (the customer's own page of it); the messages exchanged with them on those
tickets (`messages`: both ways, what was mailed and what they wrote; internal notes are
not messages); the mail that came in from them (`inbound_mail`: its metadata — sender,
subject, what became of it — on their tickets or from one of their addresses); the
notifications about those tickets; the mails addressed to the customer (their surveys, the
messages of their tickets: subject, body, status and times) and the staff mails of those
notifications (a staff address is shown as "(staff)", not the colleague's address); and the
privacy log of the customer.

Files go under `attachments/<ticket ref>/<attachment id>-<file name>`; an attachment whose
file is gone from the disk is listed with `"file": null`. An incoming mail's raw bytes are
kept only when it could not be read (malformed, for a person to look at): then they are
what the customer sent and nothing else holds their content, so they go in as
`inbound_mail/<id>.eml` (`"raw_file"`); otherwise the mail's words are already in the
ticket and its messages, and `"raw_file"` is null. Times are ISO 8601 UTC, money decimal
strings.

Each export is written to the privacy log (who, when, how much), in the caller's transaction.
The ZIP is streamed (`Export.chunks`): memory stays about one file, whatever the total.
"""

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import inspect, select

from auth.models import User
from correspondence.links import status_url
from customers.models import Customer
from extensions import db
from notifications.models import Notification
from outbox.models import OutboxMessage
from privacy import holdings
from privacy.models import EXPORTED, ON_REQUEST, PrivacyLogEntry, log_entry
from tickets.attachments import path_of
from tickets.files import clean_name
from tickets.models import Ticket

FORMAT = "recovery-desk.customer-export/1"
STAFF_ADDRESS = "(staff)"
COPY_BYTES = 1024 * 1024


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def columns(row) -> dict:
    """Every mapped column of `row`, JSON-ready."""
    return {attr.key: _plain(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _attachments(ticket: Ticket, files: list) -> list[dict]:
    listed = []
    for attachment in ticket.attachments:
        source = path_of(attachment.storage_key)
        name = f"attachments/{ticket.ref}/{attachment.id}-{clean_name(attachment.file_name)}"
        found = source.is_file()
        if found:
            files.append((name, source))
        listed.append({**columns(attachment), "file": name if found else None})
    return listed


def _ticket(ticket: Ticket, files: list) -> dict:
    return {
        "ref": ticket.ref,
        "status_link": status_url(ticket),
        **columns(ticket),
        "category": ticket.category.name if ticket.category else None,
        "category_zh": ticket.category.name_zh if ticket.category else None,
        "owner": _username(ticket.owner),
        "opened_by": _username(ticket.opened_by),
        "events": [{**columns(event), "actor": _username(event.actor)}
                   for event in ticket.events],
        "fix_offers": [columns(offer) for offer in ticket.fix_offers],
        "follow_ups": [
            {**columns(follow_up), "attempts": [columns(a) for a in follow_up.attempts]}
            for follow_up in ticket.follow_ups
        ],
        "prevention_actions": [columns(action) for action in ticket.prevention_actions],
        "attachments": _attachments(ticket, files),
    }


class _Stored:
    """Bytes held in the database, added to the ZIP like a file on disk."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def open(self, _mode: str = "rb") -> io.BytesIO:
        return io.BytesIO(self.data)


def _messages(ticket_ids: list[int]) -> list[dict]:
    return [
        {**columns(message), "ticket": message.ticket.ref, "author": _username(message.author)}
        for message in holdings.messages_of(ticket_ids)
    ]


def _inbound_mail(ticket_ids: list[int], addresses: set[str], files: list) -> list[dict]:
    listed = []
    for mail in holdings.inbound_mail_of(ticket_ids, addresses):
        entry = {name: value for name, value in columns(mail).items() if name != "raw"}
        entry["raw_file"] = None
        if mail.raw:
            entry["raw_file"] = f"inbound_mail/{mail.id}.eml"
            files.append((entry["raw_file"], _Stored(mail.raw)))
        listed.append(entry)
    return listed


def _mails(customer: Customer, tickets: list[Ticket], alert_ids: list[int]) -> list[dict]:
    survey_ids = holdings.follow_up_ids(tickets)
    ticket_ids = [ticket.id for ticket in tickets]
    addresses = holdings.customer_addresses(customer, survey_ids, ticket_ids)
    to_them = holdings.addressed_to_customer(survey_ids, addresses, ticket_ids)
    stmt = (
        select(OutboxMessage, to_them.label("to_them"))
        .where(holdings.naming_customer(survey_ids, alert_ids, addresses, ticket_ids))
        .order_by(OutboxMessage.id)
    )
    return [
        {**columns(row), "to_address": row.to_address if mine else STAFF_ADDRESS,
         "to_customer": bool(mine)}
        for row, mine in db.session.execute(stmt)
    ]


def customer_record(customer: Customer, now: datetime) -> tuple[dict, list]:
    """The export's JSON document and the (name in the ZIP, path) of each file."""
    tickets = holdings.tickets_of(customer, with_events=True)
    ticket_ids = [ticket.id for ticket in tickets]
    alert_ids = holdings.notification_ids(ticket_ids)
    addresses = holdings.customer_addresses(customer, holdings.follow_up_ids(tickets),
                                            ticket_ids)
    notifications = db.session.scalars(
        select(Notification).where(Notification.id.in_(alert_ids)).order_by(Notification.id)
    )
    log = db.session.scalars(
        select(PrivacyLogEntry).where(PrivacyLogEntry.customer_id == customer.id)
        .order_by(PrivacyLogEntry.id)
    )
    files: list = []
    record = {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "customer": {**columns(customer), "site": customer.site.name,
                     "preferred_owner": _username(customer.preferred_owner)},
        "tickets": [_ticket(ticket, files) for ticket in tickets],
        "messages": _messages(ticket_ids),
        "inbound_mail": _inbound_mail(ticket_ids, addresses, files),
        "notifications": [columns(row) for row in notifications],
        "outbox": _mails(customer, tickets, alert_ids),
        "privacy_log": [{**columns(entry), "actor": _username(entry.actor)} for entry in log],
    }
    return record, files


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what was written so far (for streaming)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


@dataclass
class Export:
    """A prepared export: the JSON document, the files to add, and its counts."""

    document: str
    files: list
    counts: dict

    def chunks(self) -> Iterator[bytes]:
        """The ZIP, piece by piece (one piece per file), reading each file once; a file
        removed since the export was prepared is left out."""
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("customer.json", self.document)
            yield sink.take()
            for name, source in self.files:
                try:
                    handle = source.open("rb")
                except FileNotFoundError:
                    continue
                with handle, archive.open(name, "w") as member:
                    shutil.copyfileobj(handle, member, COPY_BYTES)
                yield sink.take()
        yield sink.take()


def prepare_export(customer: Customer, actor: User | None, now: datetime,
                   reason: str = ON_REQUEST) -> Export:
    """Read everything held about `customer` and log the export (flushed); the ZIP itself
    is produced by `Export.chunks`, which needs neither the database nor the app."""
    record, files = customer_record(customer, now)
    document = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)
    counts = {"tickets": len(record["tickets"]), "files": len(files)}
    log_entry(customer, EXPORTED, reason, actor, now, counts)
    db.session.flush()
    return Export(document, files, counts)


def export_customer(customer: Customer, target: BinaryIO, actor: User | None,
                    now: datetime, reason: str = ON_REQUEST) -> dict:
    """Write the ZIP to `target` (a binary file) and log the export; returns its counts."""
    export = prepare_export(customer, actor, now, reason)
    for chunk in export.chunks():
        target.write(chunk)
    return export.counts
