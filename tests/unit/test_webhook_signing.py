"""The delivery signature: HMAC-SHA256 over "<t>." and the raw body, checked in constant
time within a 5-minute tolerance; any change of body, secret or time breaks it."""

import hashlib
import hmac
import json

import pytest

from webhooks.events import EVENT_TYPES, delivery_id, payload, serialize
from webhooks.signing import (
    SECRET_PREFIX,
    TOLERANCE_SECONDS,
    new_secret,
    parse_header,
    signature,
    signature_header,
    verify,
)

SECRET = "whsec_test-secret"
BODY = '{"id":"evt_1","type":"ticket.created","data":{"name":"赵明辉"}}'.encode()
T = 1_790_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_raw_body():
    expected = hmac.new(SECRET.encode(), b"1790000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, T, BODY) == expected
    assert signature_header(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_a_valid_signature_verifies_within_the_tolerance_only():
    header = signature_header(SECRET, T, BODY)
    assert verify(SECRET, header, BODY, T)
    assert verify(SECRET, header, BODY, T + TOLERANCE_SECONDS)
    assert not verify(SECRET, header, BODY, T + TOLERANCE_SECONDS + 1)
    assert not verify(SECRET, header, BODY, T - TOLERANCE_SECONDS - 1)


@pytest.mark.parametrize("secret,body,header", [
    ("whsec_other", BODY, None),
    (SECRET, BODY + b" ", None),
    (SECRET, BODY.replace("赵".encode(), "钱".encode()), None),
    (SECRET, BODY, f"t={T + 1},v1={signature(SECRET, T, BODY)}"),
    (SECRET, BODY, f"t={T}"),
    (SECRET, BODY, "v1=" + signature(SECRET, T, BODY)),
    (SECRET, BODY, ""),
    (SECRET, BODY, f"t=١٧,v1={signature(SECRET, T, BODY)}"),
])
def test_any_change_breaks_the_signature(secret, body, header):
    header = header if header is not None else signature_header(SECRET, T, BODY)
    assert not verify(secret, header, body, T)


def test_an_extra_signature_in_the_header_does_not_hide_the_right_one():
    header = f"t={T},v1=deadbeef,v1={signature(SECRET, T, BODY)}"
    assert parse_header(header) == (T, ["deadbeef", signature(SECRET, T, BODY)])
    assert verify(SECRET, header, BODY, T)


def test_secrets_are_prefixed_long_and_fresh():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith(SECRET_PREFIX) and len(s) >= len(SECRET_PREFIX) + 43
               for s in secrets)


def test_a_body_is_serialised_once_with_a_fresh_id_and_keeps_non_ascii_as_is():
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    first = serialize(payload("ticket.created", moment, {"name": "赵明辉"}))
    second = serialize(payload("ticket.created", moment, {"name": "赵明辉"}))
    assert "赵明辉" in first and " " not in first
    assert delivery_id(first) != delivery_id(second)
    assert json.loads(first)["created_at"] == "2026-11-23T02:00:00+00:00"
    with pytest.raises(ValueError):
        payload("ticket.deleted", moment, {})
    assert len(EVENT_TYPES) == 9
