"""Signing a delivery, Stripe's way, and checking a signature (for receivers and tests).

The header is ``Recovery-Desk-Signature: t=<unix seconds>,v1=<hex>``, where the hex is
HMAC-SHA256 keyed with the endpoint's secret (the whole ``whsec_…`` text, UTF-8) over
``<t>.`` followed by the raw body bytes. Every attempt is signed afresh (a new `t`), with
the endpoint's secret at that moment: after a rotation, retries carry the new signature.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # nosec B105  # the public prefix of every signing secret, not a secret
SIGNATURE_HEADER = "Recovery-Desk-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A new signing secret: ``whsec_`` and 43 URL-safe characters (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``<timestamp>.<body>`` under `secret`."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """(t, the v1 signatures) of a signature header; t None when missing or malformed."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == "v1" and value:
            signatures.append(value)
    return timestamp, signatures


def verify(secret: str, header: str, body: bytes, now_seconds: int,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when `header` signs `body` with `secret` within `tolerance` seconds of now
    (constant-time comparison)."""
    timestamp, signatures = parse_header(header)
    if timestamp is None or abs(now_seconds - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
