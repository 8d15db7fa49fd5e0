"""/api/v1/customers: search, paging, create (matching a known customer as intake does),
read, partial edit — each answer's content, the caller's sites, and the refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.schemas.discovery import CustomerList, CustomerOut
from core import clock
from customers.models import Customer
from customers.services import CustomerInput, create_customer
from extensions import db
from privacy.erasure import erase_customer
from tests.support.queries import recorded_statements
from tickets.models import TicketEvent

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)


@pytest.fixture
def world(make_site, make_user):
    home, far = make_site(name="Bund Hotel"), make_site(name="Far Hotel")
    desk = make_user("front_desk", site=home, username="amy", locale="zh_Hans")
    return {"home": home, "far": far, "desk": desk,
            "lead": make_user("supervisor", site=home, username="bob"),
            "far_desk": make_user("front_desk", site=far, username="dan"),
            "manager": make_user("manager", site=far, username="cat")}


def _customer(site, name, phone="", email="", **extra) -> Customer:
    customer = create_customer(site.id, CustomerInput(name=name, phone=phone, email=email,
                                                      **extra))
    db.session.commit()
    return customer


def _get(client, headers, path="/customers", **query):
    return client.get(f"/api/v1{path}", query_string=query, headers=headers)


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [row.name for row in CustomerList.model_validate(response.get_json()).customers]


def _fields(response, status=422) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["error"]["fields"]


# --- reading ----------------------------------------------------------------------------------


def test_a_customer_with_history_counts_and_repeat_flag(client, bearer, world, make_ticket):
    home, desk = world["home"], world["desk"]
    wang = _customer(home, "Li Wang", phone="138 0000 1111", email="Li@Example.com",
                     tier="vip", notes="Prefers the quiet floor", preferred_owner=world["lead"])
    opened = {"customer": CustomerInput(name="Li Wang", phone="13800001111")}
    clock.set_now(NOW - timedelta(days=120))
    make_ticket(owner=desk, site=home, **opened)
    clock.set_now(NOW - timedelta(days=2))
    make_ticket(owner=desk, site=home, **opened)
    make_ticket(owner=desk, site=home, **opened)
    clock.set_now(NOW)
    response = _get(client, bearer(desk), f"/customers/{wang.id}")
    assert response.status_code == 200
    CustomerOut.model_validate(response.get_json())
    assert response.get_json() == {
        "id": wang.id, "site": "Bund Hotel", "name": "Li Wang", "phone": "138 0000 1111",
        "email": "Li@example.com", "tier": "vip", "locale": "en",
        "notes": "Prefers the quiet floor", "preferred_owner": "bob",
        "tickets": 3, "tickets_90_days": 2, "repeat_complainant": True,
        "created_at": NOW.isoformat(), "erased_at": None,
    }
    listed = _get(client, bearer(desk), q="wang").get_json()["customers"]
    assert listed == [response.get_json()]


def test_one_ticket_is_not_a_repeat_complainant(client, bearer, world, make_ticket):
    make_ticket(owner=world["desk"], site=world["home"],
                customer=CustomerInput(name="Once Only", phone="13911112222"))
    [row] = _get(client, bearer(world["desk"]), q="once").get_json()["customers"]
    assert (row["tickets"], row["tickets_90_days"], row["repeat_complainant"]) == (1, 1, False)


def test_search_best_match_first_and_only_my_sites(client, bearer, world):
    home, far = world["home"], world["far"]
    for name in ("Li Wang", "Wang Fang", "Ewangelia Nowak"):
        _customer(home, name, phone=f"1380000{len(name):04d}")
    _customer(far, "Wang Far", phone="13800009999")
    assert _names(_get(client, bearer(world["desk"]), q="WANG")) == [
        "Wang Fang", "Li Wang", "Ewangelia Nowak"]
    assert _names(_get(client, bearer(world["manager"]), q="wang")) == [
        "Wang Fang", "Wang Far", "Li Wang", "Ewangelia Nowak"]
    assert _names(_get(client, bearer(world["manager"]), q="wang", site="Far Hotel")) == [
        "Wang Far"]


def test_phone_and_email_match_exactly(client, bearer, world):
    home = world["home"]
    _customer(home, "Phone Person", phone="+86 138-0000-1234")
    _customer(home, "Longer Phone", phone="86138000012345")
    _customer(home, "Mail Person", email="mail.person@example.com")
    _customer(world["far"], "Far Phone", phone="8613800001234")
    headers = bearer(world["desk"])
    assert _names(_get(client, headers, phone="86 138 0000 1234")) == ["Phone Person"]
    assert _names(_get(client, headers, email="MAIL.PERSON@example.com")) == ["Mail Person"]
    assert _names(_get(client, headers, email="mail.person@")) == []
    assert _names(_get(client, headers, phone="no digits")) == []


def test_search_refusals_name_the_parameter(client, bearer, world):
    headers = bearer(world["desk"])
    short = _get(client, headers, q="w").get_json()["error"]
    assert short["fields"] == {"q": "请至少输入 2 个字符再搜索。"}  # amy reads Chinese
    assert short["details"] == {"q": {"code": "api.short_query", "params": {}}}
    assert set(_fields(_get(client, headers, q="x" * 101))) == {"q"}
    assert set(_fields(_get(client, headers, site="Far Hotel"))) == {"site"}
    assert set(_fields(_get(client, headers, per_page=0))) == {"per_page"}
    assert set(_fields(_get(client, headers, cursor="%%%"))) == {"cursor"}
    assert set(_fields(_get(client, headers, q="wang", cursor="MQ"))) == {"cursor"}


def test_pages_and_cursor_walk_every_customer_once(client, bearer, world):
    made = [_customer(world["home"], f"Guest {n:02d}", phone=f"1390000{n:04d}")
            for n in range(7)]
    _customer(world["far"], "Not Mine", phone="13900009999")
    headers = bearer(world["desk"])
    first = _get(client, headers, per_page=3).get_json()
    assert ([c["id"] for c in first["customers"]], first["total"], first["pages"]) == (
        [c.id for c in made[:3]], 7, 3)
    seen, cursor = [], first["next_cursor"]
    seen += [c["id"] for c in first["customers"]]
    while cursor:
        page = _get(client, headers, per_page=3, cursor=cursor).get_json()
        CustomerList.model_validate(page)
        assert (page["page"], page["total"], page["pages"]) == (None, None, None)
        seen += [c["id"] for c in page["customers"]]
        cursor = page["next_cursor"]
    assert seen == [c.id for c in made]
    third = _get(client, headers, per_page=3, page=3).get_json()
    assert ([c["id"] for c in third["customers"]], third["next_cursor"]) == ([made[6].id], None)
    search = _get(client, headers, q="guest", per_page=3, page=2).get_json()
    assert ([c["name"] for c in search["customers"]], search["next_cursor"]) == (
        ["Guest 03", "Guest 04", "Guest 05"], None)


def test_a_page_costs_the_same_queries_however_many_owners_and_sites(
        client, bearer, world, make_site, make_user):
    """The site and the preferred owner come with the page's query, not one per row."""
    manager = world["manager"]
    headers = bearer(manager)
    _get(client, headers)  # what a first request caches
    costs = []
    for batch in range(2):
        for n in range(3):
            site = make_site(name=f"Hotel {batch}{n}")
            _customer(site, f"Guest {batch}{n}", phone=f"1360000{batch}{n:03d}",
                      preferred_owner=make_user(site=site))
        for query in ({}, {"q": "guest"}, {"cursor": ""}):
            with recorded_statements(cold=True) as statements:
                assert len(_names(_get(client, headers, **query))) == 3 * (batch + 1)
            costs.append(len(statements))
    assert costs[:3] == costs[3:], costs


def test_another_sites_customer_is_404(client, bearer, world):
    far_customer = _customer(world["far"], "Far Guest", phone="13700001111")
    for path in (f"/customers/{far_customer.id}", "/customers/999999"):
        response = _get(client, bearer(world["desk"]), path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert _get(client, bearer(world["manager"]), f"/customers/{far_customer.id}"
                ).get_json()["name"] == "Far Guest"


def test_an_erased_customer_shows_what_the_web_shows(client, bearer, world, make_ticket):
    make_ticket(owner=world["desk"], site=world["home"],
                customer=CustomerInput(name="Soon Gone", phone="13655556666",
                                       email="gone@example.com"))
    customer = db.session.scalar(select(Customer).where(Customer.name == "Soon Gone"))
    erase_customer(customer, None, NOW)
    db.session.commit()
    body = _get(client, bearer(world["desk"]), f"/customers/{customer.id}").get_json()
    assert body["erased_at"] == NOW.isoformat()
    assert (body["phone"], body["email"], body["notes"], body["tickets"]) == (None, None, "", 1)
    assert body["name"] == customer.name and "Soon Gone" not in str(body)


def test_customers_need_a_token(client, world):
    for method, path in (("get", "/customers"), ("post", "/customers"),
                         ("get", "/customers/1"), ("patch", "/customers/1")):
        response = getattr(client, method)(f"/api/v1{path}", json={})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"


# --- creating ---------------------------------------------------------------------------------


def _post(client, headers, **body):
    return client.post("/api/v1/customers", json=body, headers=headers)


def _count() -> int:
    return db.session.scalar(select(func.count(Customer.id)))


def test_create_at_my_site_in_my_language(client, bearer, world):
    response = _post(client, bearer(world["desk"]), name="  New Guest ", phone="13512345678",
                     tier="key", preferred_owner="BOB")
    assert response.status_code == 201
    body = CustomerOut.model_validate(response.get_json())
    assert response.headers["Location"].endswith(f"/api/v1/customers/{body.id}")
    assert (body.name, body.site, body.phone, body.email, body.tier, body.locale,
            body.preferred_owner, body.tickets) == (
        "New Guest", "Bund Hotel", "13512345678", None, "key", "zh_Hans", "bob", 0)
    stored = db.session.get(Customer, body.id)
    assert (stored.site_id, stored.phone_digits) == (world["home"].id, "13512345678")


def test_a_known_phone_or_email_answers_the_customer_it_is(client, bearer, world):
    known = _customer(world["home"], "Known Guest", phone="13511112222", email="k@example.com")
    headers, before = bearer(world["desk"]), _count()
    for contact in ({"phone": "135 1111 2222"}, {"email": "K@EXAMPLE.COM"}):
        response = _post(client, headers, name="Someone Else", tier="vip", **contact)
        assert response.status_code == 200
        assert (response.get_json()["id"], response.get_json()["name"],
                response.get_json()["tier"]) == (known.id, "Known Guest", "standard")
        assert response.headers["Location"].endswith(f"/customers/{known.id}")
    assert _count() == before
    at_far = _post(client, bearer(world["manager"]), name="Same Phone", phone="13511112222",
                   site="Far Hotel")
    assert at_far.status_code == 201 and at_far.get_json()["site"] == "Far Hotel"


def test_create_refusals_name_the_field(client, bearer, world):
    headers, before = bearer(world["desk"]), _count()
    assert _fields(_post(client, headers, phone="13512345678")) == {
        "name": "请填写客户姓名。"}  # amy reads Chinese
    assert set(_fields(_post(client, headers, name="No Contact"))) == {"phone"}
    assert set(_fields(_post(client, headers, name="Bad", phone="12"))) == {"phone"}
    assert set(_fields(_post(client, headers, name="Bad", email="not-mail"))) == {"email"}
    assert set(_fields(_post(client, headers, name="Bad", phone="13512345678",
                             tier="gold"))) == {"tier"}
    assert set(_fields(_post(client, headers, name="Bad", phone="13512345678",
                             locale="fr"))) == {"locale"}
    assert set(_fields(_post(client, headers, name="Bad", phone="13512345678",
                             preferred_owner="dan"))) == {"preferred_owner"}
    assert set(_fields(_post(client, headers, name="Bad", phone="13512345678",
                             site="Far Hotel"))) == {"site"}
    assert _count() == before


def test_wrong_json_types_and_non_json_are_400(client, bearer, world):
    headers = bearer(world["desk"])
    typed = _post(client, headers, name="Typed", phone=13512345678)
    assert typed.status_code == 400
    assert typed.get_json()["error"]["code"] == "bad_request"
    assert set(typed.get_json()["error"]["fields"]) == {"phone"}
    raw = client.post("/api/v1/customers", data="{name", headers=headers,
                      content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["error"]["code"] == "bad_request"
    listed = client.post("/api/v1/customers", json=["name"], headers=headers)
    assert listed.status_code == 400


# --- editing ----------------------------------------------------------------------------------


def _patch(client, headers, customer, **body):
    return client.patch(f"/api/v1/customers/{customer.id}", json=body, headers=headers)


def test_patch_changes_only_what_was_sent(client, bearer, world):
    customer = _customer(world["home"], "Patch Me", phone="13800002222", email="p@example.com",
                         notes="Kept", locale="zh_Hans", preferred_owner=world["lead"])
    response = _patch(client, bearer(world["desk"]), customer, name="Patched Name",
                      phone=None, tier=None)
    assert response.status_code == 200
    body = CustomerOut.model_validate(response.get_json())
    assert (body.name, body.phone, body.email, body.tier, body.notes, body.locale,
            body.preferred_owner) == (
        "Patched Name", None, "p@example.com", "standard", "Kept", "zh_Hans", "bob")
    db.session.expire_all()
    stored = db.session.get(Customer, customer.id)
    assert (stored.name, stored.name_key, stored.phone, stored.phone_digits) == (
        "Patched Name", "patched name", None, None)
    cleared = _patch(client, bearer(world["desk"]), customer, preferred_owner=None,
                     locale="en").get_json()
    assert (cleared["preferred_owner"], cleared["locale"], cleared["name"]) == (
        None, "en", "Patched Name")


def test_a_new_tier_re_times_open_tickets_with_an_audit_event(client, bearer, world,
                                                               make_ticket):
    ticket = make_ticket(owner=world["desk"], site=world["home"],
                         customer=CustomerInput(name="Tier Guest", phone="13833334444"))
    customer, before = ticket.customer, ticket.resolution_due
    response = _patch(client, bearer(world["desk"]), customer, tier="vip")
    assert response.status_code == 200 and response.get_json()["tier"] == "vip"
    db.session.expire_all()
    events = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "sla_recomputed")).all()
    assert len(events) == 1 and events[0].actor.username == "amy"
    assert db.session.get(type(ticket), ticket.id).resolution_due < before


def test_patch_refusals_change_nothing(client, bearer, world):
    customer = _customer(world["home"], "Stay Same", phone="13800005555")
    headers = bearer(world["desk"])
    assert set(_fields(_patch(client, headers, customer, phone="", email=None))) == {"phone"}
    assert set(_fields(_patch(client, headers, customer, tier="gold"))) == {"tier"}
    assert set(_fields(_patch(client, headers, customer, preferred_owner="nobody"))) == {
        "preferred_owner"}
    assert set(_fields(_patch(client, headers, customer, name=7), status=400)) == {"name"}
    db.session.expire_all()
    stored = db.session.get(Customer, customer.id)
    assert (stored.name, stored.phone, stored.tier) == ("Stay Same", "13800005555", "standard")


def test_patch_another_sites_customer_is_404(client, bearer, world):
    far_customer = _customer(world["far"], "Far Patch", phone="13700002222")
    response = _patch(client, bearer(world["desk"]), far_customer, name="Hijacked")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Customer, far_customer.id).name == "Far Patch"
