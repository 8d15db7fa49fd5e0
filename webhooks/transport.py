"""The HTTPS POST of one webhook delivery: the outbox's ``webhook`` transport.

Only the outbox sender calls `deliver` (`flask outbox send`, the scheduler's job), with no
transaction open. Each attempt reads the endpoint's current secret, signs the stored body
afresh (`webhooks.signing`) and posts it with a 10-second timeout. Redirects are never
followed: a 3xx is a failed attempt like any other non-2xx answer. A 2xx answer is
delivered; anything else, or a network error, is retried by the outbox's backoff. After
each attempt the endpoint's last status, time and failures in a row are stored in a short
transaction of their own.
"""

import urllib.error
import urllib.request
from collections.abc import Mapping

from sqlalchemy import select, update

from core.clock import utcnow
from extensions import db
from outbox import transports
from outbox.transports import DeliveryFailed
from webhooks.emit import CHANNEL
from webhooks.events import delivery_id
from webhooks.models import WebhookEndpoint
from webhooks.signing import SIGNATURE_HEADER, signature_header

TIMEOUT_SECONDS = 10
USER_AGENT = "RecoveryDesk-Webhooks/1"
GONE = "the webhook endpoint no longer exists"
INACTIVE = "the webhook endpoint is deactivated"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the 3xx answer becomes an HTTPError (a failed attempt)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _endpoint(endpoint_id: int | None):
    """(secret, active) of the endpoint, read in a short connection; None when missing."""
    if endpoint_id is None:
        return None
    stmt = select(WebhookEndpoint.secret, WebhookEndpoint.active).where(
        WebhookEndpoint.id == endpoint_id)
    with db.engine.connect() as connection:
        return connection.execute(stmt).first()


def _note_attempt(endpoint_id: int, status: int | None, delivered: bool) -> None:
    """The endpoint's last status and time, and its failures in a row (0 after a 2xx)."""
    failures = 0 if delivered else WebhookEndpoint.consecutive_failures + 1
    stmt = (update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
            .values(last_status=status, last_delivery_at=utcnow(),
                    consecutive_failures=failures))
    with db.engine.begin() as connection:
        connection.execute(stmt)


def request_for(claim, secret: str) -> urllib.request.Request:
    """The signed POST of one claimed delivery."""
    body = claim.body_text.encode("utf-8")
    timestamp = int(utcnow().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Recovery-Desk-Event": claim.kind,
        "Recovery-Desk-Delivery": delivery_id(claim.body_text),
        SIGNATURE_HEADER: signature_header(secret, timestamp, body),
    }
    return urllib.request.Request(claim.to_address, data=body, headers=headers,
                                  method="POST")


def deliver(claim, config: Mapping) -> int:
    """POST one delivery; returns the 2xx status, or raises (a retry for the sender)."""
    endpoint = _endpoint(claim.webhook_endpoint_id)
    if endpoint is None:
        raise DeliveryFailed(GONE)
    if not endpoint.active:
        raise DeliveryFailed(INACTIVE)
    request = request_for(claim, endpoint.secret)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as refused:
        refused.close()
        _note_attempt(claim.webhook_endpoint_id, refused.code, delivered=False)
        raise DeliveryFailed(f"HTTP {refused.code} {refused.reason}", refused.code) from None
    except Exception:
        _note_attempt(claim.webhook_endpoint_id, None, delivered=False)
        raise
    _note_attempt(claim.webhook_endpoint_id, status, delivered=True)
    return status


def init_app() -> None:
    """Make the outbox carry ``webhook`` deliveries with `deliver` (idempotent)."""
    transports.register(CHANNEL, deliver)
