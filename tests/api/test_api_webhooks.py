"""/api/v1/webhooks: managers register endpoints (the secret answered once), read, change,
deactivate and rotate them, and read their deliveries; everyone else gets 403; the status
codes follow the API's one rule; the answers match the OpenAPI document."""

import json
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from core import clock
from extensions import db
from outbox.models import OutboxMessage
from outbox.sender import send_due
from tests.support.webhook_receiver import WebhookReceiver
from webhooks.models import WebhookEndpoint
from webhooks.signing import SECRET_PREFIX, verify

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
URL = "https://pms.example.com/recovery-desk"
NEW = {"url": URL, "events": ["ticket.created", "ticket.resolved"], "description": "PMS"}


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)


@pytest.fixture
def manager(make_user, bearer):
    return bearer(make_user("manager"))


def _matches(client, body: dict, component: str) -> None:
    """`body` is valid against the document's schema of `component`."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    schema = {**schemas[component], "$defs": schemas}
    text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
    Draft202012Validator(json.loads(text)).validate(body)


def _create(client, headers, **overrides):
    response = client.post("/api/v1/webhooks", json={**NEW, **overrides}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response


def test_a_manager_registers_an_endpoint_and_gets_its_secret_once(client, manager):
    response = _create(client, manager)
    body = response.get_json()
    endpoint = db.session.get(WebhookEndpoint, body["id"])
    assert body["secret"].startswith(SECRET_PREFIX) and body["secret"] == endpoint.secret
    assert response.headers["Location"].endswith(f"/api/v1/webhooks/{endpoint.id}")
    assert {k: body[k] for k in ("url", "events", "description", "site", "active",
                                 "last_status", "consecutive_failures")} == {
        "url": URL, "events": ["ticket.created", "ticket.resolved"], "description": "PMS",
        "site": None, "active": True, "last_status": None, "consecutive_failures": 0}
    _matches(client, body, "WebhookWithSecret")
    listing = client.get("/api/v1/webhooks", headers=manager).get_json()
    assert [item["id"] for item in listing["webhooks"]] == [endpoint.id]
    assert "secret" not in listing["webhooks"][0]
    _matches(client, listing, "WebhookList")
    one = client.get(f"/api/v1/webhooks/{endpoint.id}", headers=manager).get_json()
    assert "secret" not in one and one["url"] == URL


def test_a_site_is_named(client, manager, make_site):
    site = make_site(name="Harbour Hotel")
    body = _create(client, manager, site="harbour hotel").get_json()
    assert body["site"] == "Harbour Hotel"
    assert db.session.get(WebhookEndpoint, body["id"]).site_id == site.id


@pytest.mark.parametrize("change,field,reason", [
    ({"url": "http://pms.example.com/x"}, "url", "Use a URL that starts with https://."),
    ({"url": "https://u:p@pms.example.com/x"}, "url", "Leave the user name and password"),
    ({"url": "https://pms.example.com/a b"}, "url", "Use a URL without spaces"),
    ({"url": None}, "url", "This field is required."),
    ({"events": ["ticket.deleted"]}, "events", "Choose events from: ticket.created"),
    ({"events": []}, "events", "Choose at least one event."),
    ({"site": "Nowhere"}, "site", "Choose one of the sites, or none for every site."),
    ({"site": "\u0661\u0662"}, "site", "Choose one of the sites, or none for every site."),
    ({"url": "https://%00/x"}, "url", "Use a host name such as hooks.example.com"),
    ({"url": "https://pms\\example.com/x"}, "url", "Use a host name such as"),
    ({"url": "https://pms.example.com:\u0661\u0662/x"}, "url", "Use a URL without spaces"),
    ({"description": "x" * 201}, "description", "Use at most 200 characters."),
])
def test_bad_members_are_422_naming_the_field(client, manager, change, field, reason):
    response = client.post("/api/v1/webhooks", json={**NEW, **change}, headers=manager)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed" and field in error["fields"]
    assert error["fields"][field].startswith(reason)
    assert db.session.scalars(select(WebhookEndpoint)).all() == []


@pytest.mark.parametrize("body", [{**NEW, "events": "ticket.created"},
                                  {**NEW, "events": [1]}, {**NEW, "url": 5}, ["x"],
                                  {**NEW, "url": "https://pms.example.com/\u0000"}])
def test_the_wrong_json_type_is_400(client, manager, body):
    response = client.post("/api/v1/webhooks", json=body, headers=manager)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_plain_http_is_refused_unless_configured(client, manager, app):
    app.config["WEBHOOKS_ALLOW_HTTP"] = False
    refused = client.post("/api/v1/webhooks", json={**NEW, "url": "http://127.0.0.1:9/x"},
                          headers=manager)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "url": "Use a URL that starts with https://."}
    app.config["WEBHOOKS_ALLOW_HTTP"] = True
    _create(client, manager, url="http://127.0.0.1:9/x")


@pytest.mark.parametrize("role", ["front_desk", "supervisor"])
def test_only_managers(client, make_user, bearer, manager, role):
    endpoint_id = _create(client, manager).get_json()["id"]
    headers = bearer(make_user(role))
    calls = [("get", "/api/v1/webhooks", None), ("post", "/api/v1/webhooks", NEW),
             ("get", f"/api/v1/webhooks/{endpoint_id}", None),
             ("patch", f"/api/v1/webhooks/{endpoint_id}", {"description": "mine"}),
             ("delete", f"/api/v1/webhooks/{endpoint_id}", None),
             ("post", f"/api/v1/webhooks/{endpoint_id}/rotate-secret", None),
             ("get", f"/api/v1/webhooks/{endpoint_id}/deliveries", None)]
    for method, path, body in calls:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert (endpoint.description, endpoint.active) == ("PMS", True)
    assert len(db.session.scalars(select(WebhookEndpoint)).all()) == 1


def test_unknown_endpoints_are_404_and_no_token_is_401(client, manager):
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)("/api/v1/webhooks/999", json={}, headers=manager)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/webhooks/999/rotate-secret", headers=manager).status_code == 404
    assert client.get("/api/v1/webhooks/999/deliveries", headers=manager).status_code == 404
    assert client.get("/api/v1/webhooks").status_code == 401


def test_patch_changes_only_what_is_given_and_never_the_url(client, manager):
    endpoint_id = _create(client, manager).get_json()["id"]
    path = f"/api/v1/webhooks/{endpoint_id}"
    changed = client.patch(path, json={"events": ["sla.breached"]}, headers=manager)
    assert changed.status_code == 200
    assert (changed.get_json()["events"], changed.get_json()["description"]) == (
        ["sla.breached"], "PMS")
    _matches(client, changed.get_json(), "WebhookOut")
    refused = client.patch(path, json={"url": "https://elsewhere.example.com/"},
                           headers=manager)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"url": "This field cannot be changed."}
    assert client.get(path, headers=manager).get_json()["url"] == URL


def test_delete_deactivates_cancels_waiting_deliveries_and_patch_resumes(client, manager,
                                                                         make_ticket):
    endpoint_id = _create(client, manager).get_json()["id"]
    make_ticket()
    deleted = client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=manager)
    assert deleted.status_code == 200 and deleted.get_json()["active"] is False
    deliveries = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries",
                            headers=manager).get_json()["deliveries"]
    assert [(d["type"], d["status"]) for d in deliveries] == [("ticket.created", "failed")]
    assert deliveries[0]["last_error"].startswith("cancelled")
    make_ticket()
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1 + _mail_rows()
    resumed = client.patch(f"/api/v1/webhooks/{endpoint_id}", json={"active": True},
                           headers=manager)
    assert resumed.status_code == 200 and resumed.get_json()["active"] is True
    make_ticket()
    deliveries = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries",
                            headers=manager).get_json()["deliveries"]
    assert [d["status"] for d in deliveries] == ["pending", "failed"], "new events flow again"


def _mail_rows() -> int:
    return len(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel != "webhook")).all())


def test_the_21st_active_endpoint_is_a_409(client, manager):
    for number in range(20):
        _create(client, manager, url=f"https://pms.example.com/{number}")
    refused = client.post("/api/v1/webhooks", json=NEW, headers=manager)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "invalid_state"


def test_reactivating_a_21st_endpoint_is_a_409(client, manager):
    spare = _create(client, manager, url="https://pms.example.com/spare").get_json()["id"]
    client.delete(f"/api/v1/webhooks/{spare}", headers=manager)
    for number in range(20):
        _create(client, manager, url=f"https://pms.example.com/{number}")
    refused = client.patch(f"/api/v1/webhooks/{spare}", json={"active": True},
                           headers=manager)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "invalid_state"
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, spare).active is False


def test_rotation_answers_a_new_secret_that_signs_the_next_delivery(app, client, manager,
                                                                    make_ticket):
    app.config["WEBHOOKS_ALLOW_HTTP"] = True
    with WebhookReceiver() as receiver:
        created = _create(client, manager, url=receiver.url).get_json()
        ticket = make_ticket()
        rotated = client.post(f"/api/v1/webhooks/{created['id']}/rotate-secret",
                              headers=manager)
        assert rotated.status_code == 200
        new = rotated.get_json()["secret"]
        _matches(client, rotated.get_json(), "WebhookWithSecret")
        assert send_due(NOW) == {"sent": 1}
    [received] = receiver.requests
    header = received.headers["Recovery-Desk-Signature"]
    assert new != created["secret"]
    assert verify(new, header, received.body, int(NOW.timestamp()))
    assert not verify(created["secret"], header, received.body, int(NOW.timestamp()))
    deliveries = client.get(f"/api/v1/webhooks/{created['id']}/deliveries",
                            headers=manager).get_json()
    [delivery] = deliveries["deliveries"]
    assert delivery == {
        "id": received.headers["Recovery-Desk-Delivery"], "type": "ticket.created",
        "ticket": ticket.ref, "created_at": NOW.isoformat(), "status": "sent",
        "attempts": 1, "next_attempt_at": None, "sent_at": NOW.isoformat(),
        "last_status": 200, "last_error": None}
    _matches(client, deliveries, "DeliveryList")
    endpoint = client.get(f"/api/v1/webhooks/{created['id']}", headers=manager).get_json()
    assert (endpoint["last_status"], endpoint["last_delivery_at"]) == (200, NOW.isoformat())
