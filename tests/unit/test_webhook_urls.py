"""Endpoint URLs and events as the services take them: https with a host, printable ASCII,
no credentials, no fragment, bounded; events from the list, each once."""

import pytest

from core.inputs import InputError
from webhooks import services
from webhooks.events import EVENT_TYPES
from webhooks.services import clean_events, clean_url


@pytest.mark.parametrize("url", [
    "https://hooks.example.com/recovery-desk",
    "https://hooks.example.com:8443/in?token=abc%20def",
    "https://[2001:db8::1]/hooks",
    "  https://hooks.example.com/trimmed  ",
    "https://[::1]:8443/hooks",
    "https://in_bound.example.com./hooks",
    "https://192.0.2.10/hooks",
])
def test_good_urls_are_kept(url):
    assert clean_url(url, allow_http=False) == url.strip()


@pytest.mark.parametrize("url,reason", [
    ("http://hooks.example.com/x", services.NOT_HTTPS),
    ("ftp://hooks.example.com/x", services.NOT_HTTPS),
    ("hooks.example.com/x", services.NOT_HTTPS),
    ("javascript:alert(1)", services.NOT_HTTPS),
    ("https://user:pw@hooks.example.com/x", services.NO_CREDENTIALS),
    ("https://user@hooks.example.com/x", services.NO_CREDENTIALS),
    ("https://:pw@hooks.example.com/x", services.NO_CREDENTIALS),
    ("https:///x", services.NO_HOST),
    ("https://", services.NO_HOST),
    ("https://hooks.example.com/a b", services.ODD_CHARACTERS),
    ("https://hooks.example.com/\x07", services.ODD_CHARACTERS),
    ("https://hooks.example.com/\u00e9", services.ODD_CHARACTERS),
    ("https://hööks.example.com/", services.ODD_CHARACTERS),
    ("https://hooks.example.com/a\tb", services.ODD_CHARACTERS),
    ("https://hooks.example.com:99999/x", services.BAD_PORT),
    ("https://hooks.example.com:0/x", services.BAD_PORT),
    ("https://hooks.example.com:x/x", services.BAD_PORT),
    ("https://[::1/x", services.BAD_PORT),
    ("https://hooks.example.com/x#frag", services.NO_FRAGMENT),
    ("https://hooks.example.com/x#", services.NO_FRAGMENT),
    ("https://%00/x", services.BAD_HOST),
    ("https://hooks%2Eexample.com/x", services.BAD_HOST),
    ("https://hooks\\example.com/x", services.BAD_HOST),
    ("https://hooks..example.com/x", services.BAD_HOST),
    ("https://[v1.hooks]/x", services.BAD_HOST),
    ("https://[::1]hooks/x", services.BAD_HOST),
    ("https://" + "a" * 64 + ".example.com/x", services.BAD_HOST),
])
def test_bad_urls_are_refused_with_their_reason(url, reason):
    with pytest.raises(InputError) as refused:
        clean_url(url, allow_http=False)
    assert refused.value.reason == reason


@pytest.mark.parametrize("value", ["", None, "https://x.example/" + "a" * 320,
                                   "https://x.example/\x00", 42, ["https://x.example"]])
def test_empty_long_broken_or_not_text_is_refused(value):
    with pytest.raises(InputError):
        clean_url(value, allow_http=False)


def test_plain_http_only_when_allowed():
    assert clean_url("http://127.0.0.1:8080/hooks", allow_http=True)
    with pytest.raises(InputError):
        clean_url("http://127.0.0.1:8080/hooks", allow_http=False)


def test_events_come_back_once_each_in_the_lists_order():
    assert clean_events(["sla.breached", "ticket.created", "sla.breached"]) == [
        "ticket.created", "sla.breached"]
    assert clean_events(list(EVENT_TYPES)) == list(EVENT_TYPES)


@pytest.mark.parametrize("value,reason", [
    ([], services.NO_EVENTS),
    (["ticket.deleted"], services.UNKNOWN_EVENTS),
    (["ticket.created", 3], services.UNKNOWN_EVENTS),
    ("ticket.created", services.UNKNOWN_EVENTS),
    (None, services.UNKNOWN_EVENTS),
    ({"ticket.created": True}, services.UNKNOWN_EVENTS),
])
def test_bad_events_are_refused(value, reason):
    with pytest.raises(InputError) as refused:
        clean_events(value)
    assert refused.value.reason == reason


def test_the_unknown_events_message_names_every_event():
    assert all(event in services.UNKNOWN_EVENTS for event in EVENT_TYPES)
