"""Redacting what is already written about an erased customer, with Core statements.

Ticket events are append-only: the ORM refuses to change one (tickets.audit). Erasure is
the one sanctioned exception, and `redact_ticket_events` is the one function that makes it:
it replaces the customer's values inside past events (see privacy.scrub) with a Core
UPDATE in the erasure's transaction, and the `customer_erased` event appended in the same
transaction records that it happened (how many events), never what was there.

Notifications, outbox rows and stored weekly reports are redacted here the same way. An
outbox mail to the customer that was never sent (``pending``) is withdrawn, so the sender
never sends it to someone who asked to be forgotten: the row is deleted, or, when a
message on the ticket records it (the acknowledgement, a reply…: `customer_messages.
outbox_id`), it is cancelled (``failed`` with `CANCELLED`, which the integrity checker
accepts) so the message keeps its record of having been written. Sent, logged, failed and
in-flight rows stay as a record, their address replaced by the placeholder
`erased_address` and their text scrubbed.

Webhook deliveries (outbox channel ``webhook``) about their tickets carry the ticket's JSON,
with the customer's name and words: those still waiting are cancelled (``failed`` with
`CANCELLED`, so each endpoint's list of deliveries keeps them), and the body of every one
is scrubbed value by value (the JSON is read, scrubbed and written again).

The messages exchanged with the customer on their tickets (both ways) keep their rows,
kind, times and authors; their body and short text become "[erased]": a letter to the
guest names them and quotes them throughout, and the status page shows these messages.
Mail that came in from them (`inbound_mail`) keeps its Message-ID (so the same mail
delivered again is still recognised and opens nothing), status and times; its sender
becomes `erased_address`, its subject and the names of attachments not kept "[erased]",
its raw bytes (kept only for a malformed mail) are dropped.

Every function returns how many rows it changed; none commits.
"""

import json

from sqlalchemy import Text, bindparam, cast, delete, func, not_, or_, select, update

from correspondence.models import CustomerMessage
from extensions import db
from mailin.models import InboundMail
from notifications.models import Notification
from outbox.models import OutboxMessage
from privacy import holdings
from privacy.scrub import REDACTED, Scrubber
from tickets.models import TicketEvent

SNAPSHOT_TABLE = "report_snapshots"
WEBHOOK_CHANNEL = "webhook"  # the webhooks' outbox channel (that package sits above this one)
OUTBOX_TEXTS = ("subject", "body_text", "body_html", "last_error")
CANCELLED = "cancelled: the customer's personal data was erased"


def erased_address(customer_id: int) -> str:
    """The address left on a mail to an erased customer (a reserved, unroutable domain)."""
    return f"erased-customer-{customer_id}@erased.invalid"


def _write(table, changed: list[dict]) -> None:
    """One executemany UPDATE … WHERE id = :row_id; every dict has `row_id` and the same
    columns."""
    if not changed:
        return
    columns = [name for name in changed[0] if name != "row_id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns})
    )
    params = [
        {"row_id": row["row_id"], **{f"new_{name}": row[name] for name in columns}}
        for row in changed
    ]
    db.session.execute(stmt, params)


def event_rows(ticket_ids: list[int]) -> list:
    """(id, ticket_id, changes, note) of every event of these tickets, oldest first."""
    table = TicketEvent.__table__
    stmt = (
        select(table.c.id, table.c.ticket_id, table.c.changes, table.c.note)
        .where(table.c.ticket_id.in_(ticket_ids))
        .order_by(table.c.id)
    )
    return db.session.execute(stmt).all()


def names_in_trail(rows: list) -> set[str]:
    """The customer's name as each ticket's trail last recorded it (the `customer` field's
    newest value): a name they had before an edit is erased too."""
    latest: dict[int, str] = {}
    for row in rows:
        value = (row.changes or {}).get("customer")
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], str):
            latest[row.ticket_id] = value[1]
    return set(latest.values())


def redact_ticket_events(rows: list, scrubber: Scrubber) -> dict[int, int]:
    """The sanctioned redaction of past ticket events (module docstring); `rows` from
    `event_rows`. Returns how many events changed, per ticket id."""
    changed, per_ticket = [], {}
    for row in rows:
        changes = scrubber.changes(row.changes or {})
        note = scrubber.text(row.note or "")
        if changes != (row.changes or {}) or note != (row.note or ""):
            changed.append({"row_id": row.id, "changes": changes, "note": note})
            per_ticket[row.ticket_id] = per_ticket.get(row.ticket_id, 0) + 1
    _write(TicketEvent.__table__, changed)
    return per_ticket


def redact_notifications(alert_ids: list[int], scrubber: Scrubber) -> int:
    """The English text and the stored parameters (e.g. the customer's name in a follow-up
    reminder) of each notification about their tickets."""
    table = Notification.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.message, table.c.params).where(table.c.id.in_(alert_ids))
    ).all()
    scrubbed = [{"row_id": row.id, "message": scrubber.text(row.message or ""),
                 "params": scrubber.value(row.params)} for row in rows]
    changed = [new for new, row in zip(scrubbed, rows, strict=True)
               if (new["message"], new["params"]) != (row.message or "", row.params)]
    _write(table, changed)
    return len(changed)


def withdraw_unsent_mail(survey_ids: list[int], addresses: set[str],
                         ticket_ids: list[int] = ()) -> int:
    """Withdraw the pending mails to the customer (module docstring): delete them, or
    cancel those a ticket's message records; returns how many."""
    table, ticket_ids = OutboxMessage.__table__, list(ticket_ids)
    unsent = (table.c.status == "pending",
              holdings.addressed_to_customer(survey_ids, addresses, ticket_ids))
    recorded = OutboxMessage.id.in_(
        select(CustomerMessage.outbox_id).where(CustomerMessage.outbox_id.is_not(None))
    )
    cancelled = db.session.execute(
        update(table).where(*unsent, recorded)
        .values(status="failed", next_attempt_at=None, claimed_until=None,
                last_error=CANCELLED)
    ).rowcount
    deleted = db.session.execute(delete(table).where(*unsent, not_(recorded))).rowcount
    return cancelled + deleted


def redact_outbox(survey_ids: list[int], alert_ids: list[int], addresses: set[str],
                  scrubber: Scrubber, ticket_ids: list[int] = ()) -> int:
    """Scrub the mails that name the customer; theirs also lose the address."""
    table, ticket_ids = OutboxMessage.__table__, list(ticket_ids)
    to_them = holdings.addressed_to_customer(survey_ids, addresses, ticket_ids)
    stmt = select(table.c.id, table.c.to_address, to_them.label("to_them"),
                  *(table.c[name] for name in OUTBOX_TEXTS))
    rows = db.session.execute(
        stmt.where(holdings.naming_customer(survey_ids, alert_ids, addresses, ticket_ids))
    ).all()
    changed = []
    for row in rows:
        values = {name: _scrub_optional(scrubber, getattr(row, name)) for name in OUTBOX_TEXTS}
        if row.last_error == CANCELLED:  # our own words, withdrawn just before
            values["last_error"] = CANCELLED
        values["to_address"] = (
            erased_address(scrubber.customer_id) if row.to_them else row.to_address
        )
        if any(values[name] != getattr(row, name) for name in values):
            changed.append({"row_id": row.id, **values})
    _write(table, changed)
    return len(changed)


def _webhooks_of(table, ticket_ids: list[int]):
    return (table.c.channel == WEBHOOK_CHANNEL, table.c.ticket_id.in_(list(ticket_ids)))


def withdraw_webhooks(ticket_ids: list[int]) -> int:
    """Cancel the webhook deliveries about these tickets that were not sent yet."""
    table = OutboxMessage.__table__
    stmt = (
        update(table).where(*_webhooks_of(table, ticket_ids), table.c.status == "pending")
        .values(status="failed", next_attempt_at=None, claimed_until=None,
                last_error=CANCELLED)
    )
    return db.session.execute(stmt).rowcount


def _scrubbed_body(scrubber: Scrubber, body: str) -> str:
    try:
        value = json.loads(body)
    except ValueError:
        return scrubber.text(body)
    return json.dumps(scrubber.value(value), ensure_ascii=False, separators=(",", ":"))


def redact_webhooks(ticket_ids: list[int], scrubber: Scrubber) -> int:
    """Scrub the body of every webhook delivery about these tickets."""
    table = OutboxMessage.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.body_text).where(*_webhooks_of(table, ticket_ids))
    ).all()
    changed = []
    for row in rows:
        body = _scrubbed_body(scrubber, row.body_text)
        if body != row.body_text:
            changed.append({"row_id": row.id, "body_text": body})
    _write(table, changed)
    return len(changed)


def _scrub_optional(scrubber: Scrubber, value: str | None) -> str | None:
    return None if value is None else scrubber.text(value)


def redact_messages(ticket_ids: list[int]) -> int:
    """The body and short text of every message on these tickets become "[erased]"."""
    table = CustomerMessage.__table__
    changed = or_(table.c.body != REDACTED, table.c.short_text != REDACTED)
    stmt = (
        update(table).where(table.c.ticket_id.in_(ticket_ids), changed)
        .values(body=REDACTED, short_text=REDACTED)
    )
    return db.session.execute(stmt).rowcount


def redact_inbound_mail(ticket_ids: list[int], addresses: set[str], scrubber: Scrubber) -> int:
    """Mail from the customer loses its sender, subject, attachment names and raw bytes;
    its Message-ID, status and times stay (module docstring)."""
    table = InboundMail.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.from_address, table.c.subject, table.c.reason,
               table.c.attachments_skipped, table.c.raw)
        .where(holdings.from_customer(ticket_ids, addresses))
    ).all()
    changed = []
    for row in rows:
        values = {
            "from_address": erased_address(scrubber.customer_id),
            "subject": REDACTED if row.subject else "",
            "reason": scrubber.text(row.reason or ""),
            "attachments_skipped": REDACTED if row.attachments_skipped else "",
            "raw": None,
        }
        if any(values[name] != getattr(row, name) for name in values):
            changed.append({"row_id": row.id, **values})
    _write(table, changed)
    return len(changed)


def redact_report_snapshots(scrubber: Scrubber) -> int:
    """Scrub stored weekly reports that mention the customer (their repeat-complainant
    entry, a gesture or prevention text naming them). The figures stay as they were."""
    table = db.metadata.tables.get(SNAPSHOT_TABLE)
    if table is None or not scrubber.needles:
        return 0
    text = func.lower(cast(table.c.figures, Text))
    variants = {variant for needle in scrubber.needles for variant in _json_forms(needle)}
    stmt = select(table.c.id, table.c.figures).where(
        or_(*(text.contains(variant, autoescape=True) for variant in sorted(variants)))
    )
    changed = []
    for row in db.session.execute(stmt):
        figures = scrubber.value(row.figures)
        if figures != row.figures:
            changed.append({"row_id": row.id, "figures": figures})
    _write(table, changed)
    return len(changed)


def _json_forms(needle: str) -> set[str]:
    """How `needle` may appear in stored JSON text: as is, or with non-ASCII escaped."""
    return {needle, json.dumps(needle)[1:-1].lower()}


def expire_redacted() -> None:
    """Forget loaded events, notifications and mails: their rows changed underneath."""
    redacted = TicketEvent | Notification | OutboxMessage | CustomerMessage | InboundMail
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, redacted):
            db.session.expire(instance)

