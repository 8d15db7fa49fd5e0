"""Webhook endpoints by API, for managers: list, register (the secret answered once), read,
change, deactivate (DELETE), rotate the secret, and an endpoint's latest deliveries.

An endpoint is never deleted: DELETE deactivates it (its deliveries stay listed) and
answers it. The rules are `webhooks.services`'; this module only maps names (`site` is a
site's name here, its id in the service).
"""

from flask import g, url_for
from flask_babel import lazy_gettext as _l

from api.errors import ApiError
from api.schemas import webhooks as schemas
from api.spec import operation
from core.clock import utcnow
from core.validation import ValidationFailed
from extensions import db
from outbox.models import OutboxMessage
from representations.tickets import iso
from sites.services import find_site
from tickets.models import format_ref
from webhooks import services
from webhooks.events import delivery_id
from webhooks.models import WebhookEndpoint

TAG = "Webhooks"
PERMISSION = "manage_webhooks"
API_FIELD_NAMES = {"site_id": "site"}


def webhook_json(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events or []),
        "site": endpoint.site.name if endpoint.site else None,
        "active": endpoint.active,
        "created_at": iso(endpoint.created_at),
        "updated_at": iso(endpoint.updated_at),
        "secret_rotated_at": iso(endpoint.secret_rotated_at),
        "last_status": endpoint.last_status,
        "last_delivery_at": iso(endpoint.last_delivery_at),
        "consecutive_failures": endpoint.consecutive_failures,
    }


def delivery_json(row: OutboxMessage) -> dict:
    return {
        "id": delivery_id(row.body_text),
        "type": row.kind,
        "ticket": format_ref(row.ticket_id) or None,
        "created_at": iso(row.created_at),
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": iso(row.next_attempt_at),
        "sent_at": iso(row.sent_at),
        "last_status": row.last_status,
        "last_error": row.last_error,
    }


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> dict:
    return {**webhook_json(endpoint), "secret": secret}


def _endpoint(webhook_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, webhook_id)
    if endpoint is None:
        raise ApiError(404, "not_found", _l("No such webhook endpoint."))
    return endpoint


def _site_id(name: str | None) -> int | None:
    if name is None or not name.strip():
        return None
    site = find_site(name)
    if site is None:
        raise ValidationFailed({"site": services.NOT_A_SITE})
    return site.id


def _domain(call):
    """Run a service call with the API's field names (a refusal is answered by
    `api.base`: 409 `invalid_state`, with its reason)."""
    try:
        return call()
    except ValidationFailed as failed:
        raise ValidationFailed(
            {API_FIELD_NAMES.get(k, k): v for k, v in failed.fields.items()}) from None


@operation("GET", "/webhooks", tag=TAG, summary="List webhook endpoints",
           permission=PERMISSION, responses={200: schemas.WebhookList})
def list_webhooks():
    """Every endpoint, the active ones first; never their secrets."""
    return {"webhooks": [webhook_json(endpoint) for endpoint in services.all_endpoints()]}


@operation("POST", "/webhooks", tag=TAG, summary="Register a webhook endpoint",
           permission=PERMISSION, body=schemas.NewWebhookIn,
           responses={201: schemas.WebhookWithSecret}, errors=(409,))
def create_webhook(body: schemas.NewWebhookIn):
    """201 with the endpoint, its `Location`, and its signing `secret`: the only answer
    that carries it besides a rotation. 409 when 20 endpoints are already active."""
    data = services.EndpointInput(url=body.url, events=body.events,
                                  description=body.description or "",
                                  site_id=_domain(lambda: _site_id(body.site)))
    endpoint, secret = _domain(lambda: services.register_endpoint(data, g.api_user,
                                                                  utcnow()))
    location = url_for("api.get_webhook", webhook_id=endpoint.id)
    return _with_secret(endpoint, secret), 201, {"Location": location}


@operation("GET", "/webhooks/<int:webhook_id>", tag=TAG, summary="Read a webhook endpoint",
           permission=PERMISSION, responses={200: schemas.WebhookOut})
def get_webhook(webhook_id: int):
    """The endpoint, with its last delivery's status and time."""
    return webhook_json(_endpoint(webhook_id))


@operation("PATCH", "/webhooks/<int:webhook_id>", tag=TAG,
           summary="Change a webhook endpoint", permission=PERMISSION,
           body=schemas.WebhookPatchIn, responses={200: schemas.WebhookOut}, errors=(409,))
def update_webhook(webhook_id: int, body: schemas.WebhookPatchIn):
    """Change `events`, `description` or `active`; the URL never changes (422)."""
    endpoint = _endpoint(webhook_id)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    _domain(lambda: services.update_endpoint(endpoint, changes, utcnow()))
    return webhook_json(endpoint)


@operation("DELETE", "/webhooks/<int:webhook_id>", tag=TAG,
           summary="Deactivate a webhook endpoint", permission=PERMISSION,
           responses={200: schemas.WebhookOut})
def delete_webhook(webhook_id: int):
    """The endpoint stops receiving anything; its waiting deliveries are cancelled. It
    stays listed, inactive, with its deliveries (PATCH `active: true` resumes it)."""
    endpoint = _endpoint(webhook_id)
    if endpoint.active:
        services.deactivate_endpoint(endpoint, utcnow())
    return webhook_json(endpoint)


@operation("POST", "/webhooks/<int:webhook_id>/rotate-secret", tag=TAG,
           summary="Rotate a webhook endpoint's secret", permission=PERMISSION,
           responses={200: schemas.WebhookWithSecret})
def rotate_webhook_secret(webhook_id: int):
    """A new `secret`, used from the next attempt on (retries included); the old one is no
    longer used."""
    endpoint = _endpoint(webhook_id)
    return _with_secret(endpoint, services.rotate_secret(endpoint, utcnow()))


@operation("GET", "/webhooks/<int:webhook_id>/deliveries", tag=TAG,
           summary="A webhook endpoint's latest deliveries", permission=PERMISSION,
           responses={200: schemas.DeliveryList})
def list_webhook_deliveries(webhook_id: int):
    """The latest 50, newest first: status, attempts, the last HTTP status and error."""
    endpoint = _endpoint(webhook_id)
    return {"deliveries": [delivery_json(row) for row in services.deliveries_of(endpoint)]}
