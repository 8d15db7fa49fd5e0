"""The one sender of outgoing mail. It is its own transaction boundary, by design.

:func:`send_due` never touches the caller's session. It takes due messages one at a time
and, for each one:

1. claims it in a short transaction of its own: a ``pending`` row whose `next_attempt_at`
   has come, or a ``sending`` row whose lease (`claimed_until`) ran out because its sender
   died mid-send. On PostgreSQL the row is selected FOR UPDATE SKIP LOCKED; everywhere the
   claim is an UPDATE that only succeeds if the row is still as it was read, so two
   senders never take the same message. The row becomes ``sending`` with
   `claimed_until = now + LEASE`, `attempts` goes up by one, and the claim is COMMITTED;
2. sends it with no transaction open and no row locked (SMTP may take many seconds);
3. records the outcome and commits: ``sent``; ``logged`` when no SMTP_URL is configured
   (one log line instead); on a failure one rule for every kind of mail: try again after
   1, 5, 15, 60 and 240 minutes, and give up as ``failed`` after MAX_ATTEMPTS attempts.
   The record only applies while the claim is still this sender's (same `attempts`).

Mail goes by SMTP; a message of another channel goes by the transport registered for it
(`outbox.transports`, e.g. the webhooks' HTTPS POST) at step 2, under the same claim,
lease, backoff and give-up rule; its remote status (an HTTP status) is kept in
`last_status`.

One message at a time keeps each lease short: it only has to cover one SMTP conversation.
Delivery is at least once: a sender killed after the server accepted a message but before
the outcome was committed sends it again after the lease.

Call it with no write pending in the caller's session (on SQLite that would hold the
database lock the claim needs).
"""

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection, Row

from core.redaction import mask_email, redact
from extensions import db
from outbox import smtp, transports
from outbox.models import ERROR_LENGTH, OutboxMessage

log = logging.getLogger("outbox")
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)
CLAIM_TRIES = 3
ABANDONED = "the sender stopped during the last attempt"


@dataclass(frozen=True)
class Claim:
    """A message this sender holds; `attempt` (its attempts after the claim) fences it."""

    id: int
    attempt: int
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    headers: Mapping[str, str | None]
    channel: str = transports.EMAIL
    kind: str = ""
    webhook_endpoint_id: int | None = None


class PassClock:
    """The pass's `now`, moved on by the whole seconds the pass has been running."""

    def __init__(self, now: datetime) -> None:
        self.start, self.started = now, time.monotonic()

    def current(self) -> datetime:
        return self.start + timedelta(seconds=int(time.monotonic() - self.started))


def send_due(now: datetime, config: Mapping | None = None, limit: int = 100) -> dict:
    """Send every message due by `now` (at most `limit`); commits its own work.

    Returns the outcomes that happened, e.g. ``{"sent": 2, "retry": 1}`` (empty when
    nothing was due). Outcomes: sent, logged, retry, failed, lost (the lease ran out and
    another sender took the message over before this one recorded its outcome).
    """
    config = current_app.config if config is None else config
    clock, counts = PassClock(now), {}
    abandoned = _give_up_abandoned(now)
    if abandoned:
        counts["failed"] = abandoned
    for _ in range(limit):
        claim = _claim_next(now, clock.current())
        if claim is None:
            break
        outcome, error, status = _attempt(claim, config)
        outcome = _record(claim, outcome, error, clock.current(), status)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _expired_lease(now: datetime):
    return and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until <= now)


def _give_up_abandoned(now: datetime) -> int:
    """Messages whose last allowed attempt died mid-send become failed; returns how many."""
    stmt = (
        update(OutboxMessage)
        .where(_expired_lease(now), OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status="failed", claimed_until=None, next_attempt_at=None,
                last_error=ABANDONED)
    )
    with db.engine.begin() as connection:
        return connection.execute(stmt).rowcount


def _due(now: datetime):
    pending = and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
    stmt = (
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts,
               OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body_text,
               OutboxMessage.body_html, OutboxMessage.message_id, OutboxMessage.reply_to,
               OutboxMessage.in_reply_to, OutboxMessage.channel, OutboxMessage.kind,
               OutboxMessage.webhook_endpoint_id)
        .where(or_(pending, and_(_expired_lease(now), OutboxMessage.attempts < MAX_ATTEMPTS)))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    return stmt.with_for_update(skip_locked=True)


def _take(connection: Connection, row: Row, lease_from: datetime) -> bool:
    """Mark `row` sending if nobody changed it since it was read."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.status == row.status,
               OutboxMessage.attempts == row.attempts)
        .values(status="sending", attempts=row.attempts + 1,
                claimed_until=lease_from + LEASE)
    )
    return connection.execute(stmt).rowcount == 1


def _claim_next(now: datetime, lease_from: datetime) -> Claim | None:
    """Claim the next due message in a committed transaction of its own (None: none due)."""
    for _ in range(CLAIM_TRIES):
        with db.engine.begin() as connection:
            row = connection.execute(_due(now)).first()
            if row is None:
                return None
            if _take(connection, row, lease_from):
                headers = {"Message-ID": row.message_id, "Reply-To": row.reply_to,
                           "In-Reply-To": row.in_reply_to,
                           "References": row.in_reply_to}
                return Claim(row.id, row.attempts + 1, row.to_address, row.subject,
                             row.body_text, row.body_html, headers, row.channel, row.kind,
                             row.webhook_endpoint_id)
    return None


def _attempt(claim: Claim, config: Mapping) -> tuple[str, str | None, int | None]:
    """Send one claimed message; no transaction is open here. Returns (outcome, error,
    the remote status where the channel has one)."""
    if claim.channel != transports.EMAIL:
        return _attempt_transport(claim, config)
    if not config.get("SMTP_URL"):
        log.info("mail %d not sent (no SMTP_URL) to %s: %s", claim.id,
                 mask_email(claim.to_address), redact(claim.subject, claim.to_address))
        return "logged", None, None
    try:
        smtp.send_mail(config, claim.to_address, claim.subject, claim.body_text,
                       html=claim.body_html, headers=claim.headers)
    except Exception as exc:  # noqa: BLE001 - any failure is retried later
        error = short_error(exc, config.get("SMTP_URL", ""))
        log.warning("mail %d to %s failed (attempt %d): %s", claim.id,
                    mask_email(claim.to_address), claim.attempt,
                    redact(error, claim.to_address))
        return "error", error, None
    return "sent", None, None


def _attempt_transport(claim: Claim, config: Mapping) -> tuple[str, str | None, int | None]:
    """Hand one claimed message to its channel's transport (its address stays out of the
    log: a URL may carry a token)."""
    transport = transports.transport_for(claim.channel)
    if transport is None:
        error = f"no transport is registered for the channel {claim.channel!r}"
        log.warning("%s %d: %s", claim.channel, claim.id, error)
        return "error", error, None
    try:
        status = transport(claim, config)
    except transports.DeliveryFailed as refused:
        error = " ".join(refused.reason.split())[:ERROR_LENGTH]
        log.warning("%s %d (%s) refused (attempt %d): %s", claim.channel, claim.id,
                    claim.kind, claim.attempt, error)
        return "error", error, refused.status
    except Exception as exc:  # noqa: BLE001 - any failure is retried later
        error = short_error(exc, "")
        log.warning("%s %d (%s) failed (attempt %d): %s", claim.channel, claim.id,
                    claim.kind, claim.attempt, error)
        return "error", error, None
    return "sent", None, status


def _outcome_values(claim: Claim, outcome: str, error: str | None, at: datetime) -> dict:
    done = {"claimed_until": None, "next_attempt_at": None}
    if outcome == "sent":
        return {**done, "status": "sent", "sent_at": at, "last_error": None}
    if outcome == "logged":
        return {**done, "status": "logged", "last_error": None}
    if claim.attempt >= MAX_ATTEMPTS:
        return {**done, "status": "failed", "last_error": error}
    retry_at = at + timedelta(minutes=BACKOFF_MINUTES[claim.attempt - 1])
    return {"status": "pending", "claimed_until": None, "next_attempt_at": retry_at,
            "last_error": error}


def _record(claim: Claim, outcome: str, error: str | None, at: datetime,
            status: int | None = None) -> str:
    """Store the outcome while the claim is still ours; returns the outcome to count."""
    values = _outcome_values(claim, outcome, error, at)
    if claim.channel != transports.EMAIL:
        values["last_status"] = status
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.status == "sending",
               OutboxMessage.attempts == claim.attempt)
        .values(**values)
    )
    with db.engine.begin() as connection:
        if connection.execute(stmt).rowcount != 1:
            log.warning("%s %d: the lease ran out before its outcome was recorded",
                        claim.channel, claim.id)
            return "lost"
    return "retry" if values["status"] == "pending" else values["status"]


def short_error(exc: BaseException, smtp_url: str) -> str:
    """A one-line description of `exc` without the SMTP password, at most ERROR_LENGTH."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    for secret in _secrets(smtp_url):
        text = text.replace(secret, "***")
    return text[:ERROR_LENGTH]


def _secrets(smtp_url: str) -> list[str]:
    """The SMTP URL and its password, raw and decoded (longest first)."""
    secrets = {smtp_url}
    try:
        password = urlsplit(smtp_url).password
        if password:
            secrets.add(password)
            secrets.add(smtp.parse_smtp_url(smtp_url).password)
    except ValueError:
        pass
    return sorted((s for s in secrets if s), key=len, reverse=True)
