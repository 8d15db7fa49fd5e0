"""A registered webhook endpoint, for tests that need a real `webhook_id`."""

from core import clock
from extensions import db


def registered_webhook() -> int:
    from webhooks.services import EndpointInput, register_endpoint

    endpoint, _secret = register_endpoint(
        EndpointInput(url="https://hooks.example.com/in", events=["ticket.created"]), None,
        clock.utcnow())
    db.session.commit()
    return endpoint.id
