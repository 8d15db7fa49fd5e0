"""Registering and keeping webhook endpoints: the rules, checked before anything changes.

- The URL is ``https://`` with a host, at most URL_LENGTH characters of printable ASCII
  (other characters percent-encoded), without a user name or password (the signature
  proves who calls) and without a #fragment (it is never sent). The host is a DNS name
  (labels of letters, digits, hyphens and underscores, at most 63 characters each, 253 in
  all) or an IP address; never percent-encoded or backslashed text no resolver finds.
  `WEBHOOKS_ALLOW_HTTP` (off by default) also lets ``http://`` through, for a receiver on
  the same machine.
- The events are one or more of `webhooks.events.EVENT_TYPES`, each once.
- The site is one site, or none: every site.
- At most MAX_ACTIVE endpoints are active at once (each event is one delivery per endpoint).
- The URL of an endpoint never changes (its queued deliveries go to it); a new URL is a new
  endpoint. Events, description and active may change.
- A new endpoint gets a secret; rotating replaces it at once (the old one stops being
  used, also for retries not yet sent). The secret is returned to be shown once.
- Deactivating cancels the endpoint's deliveries not yet sent (`CANCELLED`), so nothing
  reaches it afterwards; an inactive endpoint gets no new deliveries until reactivated.

Bad input raises ValidationFailed (field → reason); nothing here commits.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import SplitResult, urlsplit

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from core import inputs
from core.domain_errors import Refused
from core.messages import define
from core.stamped import fresh_stamp
from core.validation import ValidationFailed
from core.words import N_
from extensions import db
from outbox.models import OutboxMessage
from sites.models import Site
from webhooks.emit import CHANNEL
from webhooks.events import EVENT_TYPES
from webhooks.models import DESCRIPTION_LENGTH, URL_LENGTH, WebhookEndpoint
from webhooks.signing import new_secret

MAX_ACTIVE = 20
DELIVERIES_SHOWN = 50
CANCELLED = "cancelled: the webhook endpoint was deactivated"
NOT_HTTPS = define("webhook.not_https", N_("Use a URL that starts with https://."))()
NO_HOST = define("webhook.no_host",
                 N_("Use a URL with a host name, e.g. https://example.com/hooks."))()
BAD_HOST = define("webhook.bad_host",
                  N_("Use a host name such as hooks.example.com, or an IP address."))()
NO_CREDENTIALS = define("webhook.no_credentials", N_(
    "Leave the user name and password out of the URL: the signature proves who is "
    "calling."))()
ODD_CHARACTERS = define("webhook.odd_characters", N_(
    "Use a URL without spaces, control characters or non-ASCII characters "
    "(percent-encode them)."))()
NO_FRAGMENT = define("webhook.no_fragment",
                     N_("Leave the #fragment out of the URL: it is never sent."))()
BAD_PORT = define("webhook.bad_port", N_("The port in this URL is not a valid number."))()
NOT_A_URL = define("webhook.not_a_url", N_("Enter a URL such as https://example.com/hooks."))()
NO_EVENTS = define("webhook.no_events", N_("Choose at least one event."))()
UNKNOWN_EVENTS = define("webhook.unknown_events", N_(
    "Choose events from: ticket.created, ticket.owned, ticket.fix_offered, "
    "ticket.resolved, ticket.reopened, ticket.escalated, sla.at_risk, "
    "sla.breached, follow_up.answered."))()
NOT_A_SITE = define("webhook.not_a_site",
                    N_("Choose one of the sites, or none for every site."))()
TOO_MANY = define("webhook.too_many", N_(
    "At most %(count)s webhook endpoints can be active at once; deactivate one first."))
NOT_EDITABLE = define("webhook.not_editable", N_("This field cannot be changed."))()
EDITABLE = ("events", "description", "active")
_DNS_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*\.?")


@dataclass(frozen=True)
class EndpointInput:
    """What a manager sent for a new endpoint: raw values, checked by `register_endpoint`."""

    url: object
    events: object
    description: object = ""
    site_id: object = None


def _plain_host(parts: SplitResult) -> bool:
    """A DNS name, or an IP address (in brackets for IPv6)."""
    if "[" not in parts.netloc:
        return _DNS_NAME.fullmatch(parts.hostname) is not None
    after = parts.netloc.partition("]")[2]
    try:
        ipaddress.IPv6Address(parts.hostname)
    except ValueError:
        return False
    return not after or after.startswith(":")


def clean_url(value, allow_http: bool) -> str:
    """The endpoint URL as typed, or InputError with the reason (rules above)."""
    text = inputs.clean_text(value, max_length=URL_LENGTH, required=True)
    if not text.isascii() or any(char.isspace() or not char.isprintable() for char in text):
        raise inputs.InputError(ODD_CHARACTERS)
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise inputs.InputError(BAD_PORT if "://" in text else NOT_A_URL) from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise inputs.InputError(NOT_HTTPS)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise inputs.InputError(NO_CREDENTIALS)
    if not parts.hostname:
        raise inputs.InputError(NO_HOST)
    if not _plain_host(parts):
        raise inputs.InputError(BAD_HOST)
    if not port_ok:
        raise inputs.InputError(BAD_PORT)
    if parts.fragment or "#" in text:
        raise inputs.InputError(NO_FRAGMENT)
    return text


def clean_events(value) -> list[str]:
    """The subscribed events in EVENT_TYPES order, or InputError."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise inputs.InputError(UNKNOWN_EVENTS)
    if not value:
        raise inputs.InputError(NO_EVENTS)
    if any(not isinstance(item, str) or item not in EVENT_TYPES for item in value):
        raise inputs.InputError(UNKNOWN_EVENTS)
    return [event for event in EVENT_TYPES if event in value]


def _site(value) -> Site | None:
    if value is None or value == "":
        return None
    try:
        site = db.session.get(Site, inputs.parse_int(value))
    except inputs.InputError:
        site = None
    if site is None:
        raise inputs.InputError(NOT_A_SITE)
    return site


def _check(errors: dict, name: str, reader, *args):
    try:
        return reader(*args)
    except inputs.InputError as refused:
        errors[name] = refused.reason
        return None


def _description(value) -> str:
    return inputs.clean_text(value, max_length=DESCRIPTION_LENGTH)


def _allow_http() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_HTTP"))


def _ensure_room() -> None:
    """Refused when MAX_ACTIVE endpoints are active already (before one more becomes so)."""
    stmt = select(func.count(WebhookEndpoint.id)).where(WebhookEndpoint.active.is_(True))
    if db.session.scalar(stmt) >= MAX_ACTIVE:
        raise Refused(TOO_MANY(count=MAX_ACTIVE))


def _restamp_covered_sites(endpoint: WebhookEndpoint) -> None:
    """The endpoint's subscription changes: the sites it covers (all, for an endpoint of
    every site) get a fresh settings stamp, so each process reads its listeners again
    (`webhooks.emit`)."""
    covered = update(Site).values(settings_stamp=fresh_stamp())
    if endpoint.site_id is not None:
        covered = covered.where(Site.id == endpoint.site_id)
    db.session.execute(covered)


def register_endpoint(data: EndpointInput, actor, now: datetime
                      ) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint (flushed) and its secret, to show once."""
    errors: dict[str, str] = {}
    url = _check(errors, "url", clean_url, data.url, _allow_http())
    events = _check(errors, "events", clean_events, data.events)
    description = _check(errors, "description", _description, data.description)
    site = _check(errors, "site_id", _site, data.site_id)
    if errors:
        raise ValidationFailed(errors)
    _ensure_room()
    secret = new_secret()
    endpoint = WebhookEndpoint(url=url, events=events, description=description, site=site,
                               secret=secret, active=True, created_at=now, updated_at=now,
                               created_by=actor, consecutive_failures=0)
    db.session.add(endpoint)
    db.session.flush()
    _restamp_covered_sites(endpoint)
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, changes: dict, now: datetime
                    ) -> WebhookEndpoint:
    """Change the given fields among EDITABLE (others are refused by name); flushed.
    Switching `active` off is `deactivate_endpoint`."""
    errors = {name: NOT_EDITABLE for name in changes if name not in EDITABLE}
    cleaned = {}
    if "events" in changes:
        cleaned["events"] = _check(errors, "events", clean_events, changes["events"])
    if "description" in changes:
        cleaned["description"] = _check(errors, "description", _description,
                                         changes["description"])
    if "active" in changes:
        cleaned["active"] = _check(errors, "active", inputs.parse_flag, changes["active"])
    if errors:
        raise ValidationFailed(errors)
    if cleaned.get("active") is False and endpoint.active:
        deactivate_endpoint(endpoint, now)
    elif cleaned.get("active") is True and not endpoint.active:
        _ensure_room()
    for name, value in cleaned.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = now
    db.session.flush()
    if "events" in cleaned or cleaned.get("active") is True:
        _restamp_covered_sites(endpoint)  # switching off restamped in deactivate_endpoint
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint, now: datetime) -> str:
    """A new secret for the endpoint, used from its next attempt on; returned to show once."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = endpoint.updated_at = now
    db.session.flush()
    return endpoint.secret


def deactivate_endpoint(endpoint: WebhookEndpoint, now: datetime) -> int:
    """Stop all deliveries to the endpoint; returns how many waiting ones were cancelled."""
    endpoint.active = False
    endpoint.updated_at = now
    stmt = (update(OutboxMessage)
            .where(OutboxMessage.webhook_endpoint_id == endpoint.id,
                   OutboxMessage.channel == CHANNEL, OutboxMessage.status == "pending")
            .values(status="failed", next_attempt_at=None, claimed_until=None,
                    last_error=CANCELLED))
    cancelled = db.session.execute(stmt).rowcount
    db.session.flush()
    _restamp_covered_sites(endpoint)
    return cancelled


def all_endpoints() -> list[WebhookEndpoint]:
    """Every endpoint, the active ones first, oldest first, with its site (the lists name
    it: one query for all, not one per row)."""
    stmt = (select(WebhookEndpoint).options(selectinload(WebhookEndpoint.site))
            .order_by(WebhookEndpoint.active.desc(), WebhookEndpoint.id))
    return list(db.session.scalars(stmt))


def deliveries_of(endpoint: WebhookEndpoint, limit: int = DELIVERIES_SHOWN
                  ) -> list[OutboxMessage]:
    """The endpoint's latest deliveries, newest first."""
    stmt = (select(OutboxMessage).where(OutboxMessage.webhook_endpoint_id == endpoint.id)
            .order_by(OutboxMessage.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))
