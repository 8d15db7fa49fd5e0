"""The managers' webhook page: register (the secret shown once), edit, rotate, deactivate,
the deliveries list; bad URLs and events refused on their field; only managers."""

import re

import pytest
from sqlalchemy import select

from extensions import db
from outbox.models import OutboxMessage
from tests.conftest import csrf_token_on
from tests.support.queries import recorded_statements
from webhooks.models import WebhookEndpoint
from webhooks.signing import SECRET_PREFIX

URL = "https://hooks.example.com/recovery-desk"
GOOD = {"url": URL, "description": "Our PMS", "events": ["ticket.created", "ticket.resolved"],
        "site_id": ""}


def _endpoints() -> list[WebhookEndpoint]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def _shown_secret(page: str) -> str:
    return re.search(r'id="webhook-secret">([^<]+)<', page).group(1)


def test_a_manager_registers_an_endpoint_and_sees_its_secret_once(client, login):
    login("manager")
    response = client.post("/admin/webhooks/new", data=GOOD)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = _shown_secret(response.get_data(as_text=True))
    [endpoint] = _endpoints()
    assert secret.startswith(SECRET_PREFIX) and secret == endpoint.secret
    assert (endpoint.url, endpoint.description, endpoint.events, endpoint.site_id,
            endpoint.active) == (URL, "Our PMS", ["ticket.created", "ticket.resolved"],
                                 None, True)
    listing = client.get("/admin/webhooks/").get_data(as_text=True)
    assert URL in listing and "ticket.created, ticket.resolved" in listing
    assert secret not in listing
    assert secret not in client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)


def test_edit_rotate_and_deactivate(client, login, make_site):
    site = make_site(name="Harbour Hotel")
    login("manager")
    client.post("/admin/webhooks/new", data={**GOOD, "site_id": str(site.id)})
    [endpoint] = _endpoints()
    assert endpoint.site_id == site.id
    first = endpoint.secret
    edited = client.post(f"/admin/webhooks/{endpoint.id}",
                         data={"description": "PMS, new", "events": ["sla.breached"],
                               "active": "y"})
    assert edited.status_code == 302
    [endpoint] = _endpoints()
    assert (endpoint.description, endpoint.events, endpoint.url) == (
        "PMS, new", ["sla.breached"], URL)
    rotated = client.post(f"/admin/webhooks/{endpoint.id}/rotate-secret")
    assert rotated.status_code == 200
    [endpoint] = _endpoints()
    assert _shown_secret(rotated.get_data(as_text=True)) == endpoint.secret != first
    assert client.post(f"/admin/webhooks/{endpoint.id}/deactivate").status_code == 302
    assert _endpoints()[0].active is False
    listing = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "Inactive" in listing and f"/admin/webhooks/{endpoint.id}/deactivate" not in listing


@pytest.mark.parametrize("field,value,reason", [
    ("url", "http://hooks.example.com/x", "Use a URL that starts with https://."),
    ("url", "https://user:pw@hooks.example.com/x", "Leave the user name and password out"),
    ("url", "https:///no-host", "Use a URL with a host name"),
    ("url", "https://hooks.example.com/a b", "Use a URL without spaces"),
    ("url", "https://hooks.example.com/x#part", "Leave the #fragment out of the URL"),
    ("url", "https://hooks.example.com/" + "x" * 300, "Field cannot be longer than 320"),
    ("url", "", "This field is required."),
    ("events", ["ticket.deleted"], "Choose events from: ticket.created"),
    ("events", [], "Choose at least one event."),
    ("site_id", "99999", "Not a valid choice."),
    ("site_id", "\u0661\u0662", "Not a valid choice."),
    ("url", "https://%00/x", "Use a host name such as hooks.example.com, or an IP address."),
    ("url", "https://[::1/x", "The port in this URL is not a valid number."),
])
def test_bad_input_is_refused_on_its_field(client, login, field, value, reason):
    login("manager")
    response = client.post("/admin/webhooks/new", data={**GOOD, field: value})
    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert _endpoints() == []


def _register_for_new_sites(client, make_site, numbers) -> None:
    for number in numbers:
        site = make_site(name=f"Hotel {number}")
        client.post("/admin/webhooks/new", data={**GOOD, "url": f"{URL}/{number}",
                                                 "site_id": str(site.id)})


def _statements_of_the_list(client) -> tuple[int, str]:
    with recorded_statements() as statements:
        page = client.get("/admin/webhooks/").get_data(as_text=True)
    return len(statements), page


def test_the_list_reads_the_sites_in_one_query_whatever_the_rows(client, login, make_site):
    login("manager")
    _register_for_new_sites(client, make_site, [0])
    few, _page = _statements_of_the_list(client)
    _register_for_new_sites(client, make_site, [1, 2, 3])
    many, page = _statements_of_the_list(client)
    assert all(f"Hotel {number}" in page for number in range(4))
    assert many == few


def test_the_deliveries_of_an_endpoint(client, login, make_ticket):
    login("manager")
    client.post("/admin/webhooks/new", data=GOOD)
    [endpoint] = _endpoints()
    ticket = make_ticket()
    [delivery] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.webhook_endpoint_id == endpoint.id)).all()
    page = client.get(f"/admin/webhooks/{endpoint.id}/deliveries").get_data(as_text=True)
    assert f'id="delivery-{delivery.id}"' in page and "ticket.created" in page
    assert "Waiting" in page and ticket.customer.name not in page


@pytest.mark.parametrize("role", ["front_desk", "supervisor"])
def test_only_managers_keep_webhooks(client, login, role):
    login(role)
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.post("/admin/webhooks/new", data=GOOD).status_code == 403
    assert _endpoints() == []
    assert 'href="/admin/webhooks/"' not in client.get("/").get_data(as_text=True)


def test_the_menu_links_managers_to_the_page_in_chinese_too(client, login):
    login("manager", locale="zh_Hans")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/webhooks/"' in home
    page = client.get("/admin/webhooks/new").get_data(as_text=True)
    assert "注册" in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_forms_need_their_csrf_token(client, login, app_config):
    login("manager")
    assert client.post("/admin/webhooks/new", data=GOOD).status_code == 400
    token = csrf_token_on(client, "/admin/webhooks/new")
    assert client.post("/admin/webhooks/new", data={**GOOD, "csrf_token": token}
                       ).status_code == 201
    [endpoint] = _endpoints()
    assert client.post(f"/admin/webhooks/{endpoint.id}/rotate-secret").status_code == 400
    assert _endpoints()[0].secret == endpoint.secret
