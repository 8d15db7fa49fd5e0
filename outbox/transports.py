"""How the outbox's channels other than e-mail travel: one transport per channel.

A higher package registers its transport at app start (the webhooks register ``webhook``),
so the outbox never imports it. The sender calls the transport of a claimed message's
channel with no transaction open and no row locked, as it talks to SMTP for mail.

A transport is ``function(claim, config) -> status``: `claim` is the
`outbox.sender.Claim` (id, attempt, channel, kind, to_address, subject, body_text,
webhook_endpoint_id…), `config` the app's config. It returns the remote end's status (an
HTTP status) when the message was delivered; it raises `DeliveryFailed` for a refusal it
understood (an HTTP 500: the reason and the status are recorded), or any other exception
for a failure such as a network error. Either way the sender retries by its one backoff
rule and gives up after its last attempt. Delivery is at least once, as for mail.
"""

from collections.abc import Callable, Mapping

EMAIL = "email"

Transport = Callable[[object, Mapping], int | None]
_transports: dict[str, Transport] = {}


class DeliveryFailed(Exception):
    """The remote end refused the message; `reason` is one short line, `status` its answer."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def register(channel: str, transport: Transport) -> Transport:
    """Make `transport` carry the messages of `channel` (registering again replaces it)."""
    if channel == EMAIL:
        raise ValueError("e-mail travels by SMTP; it takes no registered transport")
    _transports[channel] = transport
    return transport


def transport_for(channel: str) -> Transport | None:
    """The transport registered for `channel`, None when there is none."""
    return _transports.get(channel)
