"""The API on tickets the customer opened: nulls where there is no class or opener, and
owning classifies them (the category by name, as POST /tickets takes it)."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from correspondence.inbound import add_customer_message
from customers.services import CustomerInput
from extensions import db
from tickets.categories import ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)
    ensure_default_categories()
    db.session.commit()


@pytest.fixture
def desk(make_user, make_site):
    return make_user("front_desk", site=make_site(name="Harbour Hotel"))


def _customer_ticket(site, email="guest@example.com", dimension=None) -> Ticket:
    complaint = CustomerComplaint(
        site=site, channel="email", description="Nobody answered the phone at night",
        customer=CustomerInput(name="Chen Jing", email=email), dimension=dimension,
    )
    ticket = open_customer_ticket(complaint, clock.utcnow())
    db.session.commit()
    return ticket


def _later(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


def _own(client, headers, ticket: Ticket, **body):
    body = {"version": ticket.version, "acknowledgement": "Wrote back and apologised",
            "next_contact_by": _later(2), **body}
    return client.post(f"/api/v1/tickets/{ticket.ref}/own", json=body, headers=headers)


def _fresh(ticket: Ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def test_an_unclassified_ticket_serialises_nulls(client, bearer, desk):
    ticket = _customer_ticket(desk.site)
    body = client.get(f"/api/v1/tickets/{ticket.ref}", headers=bearer(desk)).get_json()
    assert (body["dimension"], body["category"], body["opened_by"]) == (None, None, None)
    assert body["classified"] is False
    assert body["channel"] == "email" and body["status"] == "new"
    assert body["events"][0]["actor"] is None
    listed = client.get("/api/v1/tickets", headers=bearer(desk)).get_json()["tickets"]
    assert listed[0]["category"] is None and listed[0]["opened_by"] is None


def test_owning_without_a_class_is_422_naming_both_and_writes_nothing(client, bearer, desk):
    ticket = _customer_ticket(desk.site)
    response = _own(client, bearer(desk), ticket)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"dimension", "category"} <= set(fields)
    again = _fresh(ticket)
    assert (again.version, again.status, again.owner_id, again.category_id) == (
        1, "new", None, None)


def test_an_unknown_category_name_is_422_and_a_flag_of_another_type_400(client, bearer, desk):
    ticket = _customer_ticket(desk.site)
    headers = bearer(desk)
    unknown = _own(client, headers, ticket, dimension="responsiveness", category="Teleport")
    assert unknown.status_code == 422
    assert set(unknown.get_json()["error"]["fields"]) == {"category"}
    bad_dimension = _own(client, headers, ticket, dimension="speed", category="Long wait")
    assert set(bad_dimension.get_json()["error"]["fields"]) == {"dimension"}
    bad_flag = _own(client, headers, ticket, dimension="responsiveness", category="Long wait",
                    send_acknowledgement="perhaps")
    assert bad_flag.status_code == 400  # a string where JSON wants a boolean
    assert set(bad_flag.get_json()["error"]["fields"]) == {"send_acknowledgement"}
    assert _fresh(ticket).version == 1


def test_owning_with_a_category_name_classifies_and_audits_the_mail_choice(
        client, bearer, desk):
    ticket = _customer_ticket(desk.site)
    response = _own(client, bearer(desk), ticket, dimension="responsiveness",
                    category="no call back", send_acknowledgement=False)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["owner"], body["version"]) == ("owned", desk.username, 2)
    assert (body["dimension"], body["category"], body["classified"]) == (
        "responsiveness", "No call back", True)
    changes = body["events"][-1]["changes"]
    assert changes["dimension"] == [None, "responsiveness"]
    assert changes["category"] == [None, "No call back"]
    assert changes["acknowledgement_mail"] == [None, "not sent (staff choice)"]


def test_the_mail_is_sent_by_default(client, bearer, desk):
    ticket = _customer_ticket(desk.site, dimension="responsiveness")
    response = _own(client, bearer(desk), ticket, category="Long wait")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["dimension"] == "responsiveness", "the customer's suggested dimension is kept"
    assert body["events"][-1]["changes"]["acknowledgement_mail"] == [None, "send"]


def test_owning_a_classified_ticket_ignores_the_class(client, bearer, desk):
    headers = bearer(desk)
    created = client.post("/api/v1/tickets", headers=headers, json={
        "customer": {"name": "Maria Rossi", "phone": "+39 333 123 4567"},
        "channel": "phone", "dimension": "tangibles", "category": "Noise",
        "severity": "medium", "description": "Drilling next door",
    }).get_json()
    ticket = db.session.get(Ticket, int(created["ref"].removeprefix("SR-")))
    response = _own(client, headers, ticket, dimension="empathy", category="Staff attitude")
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["dimension"], body["category"]) == ("tangibles", "Noise")
    assert "acknowledgement_mail" not in body["events"][-1]["changes"], "no e-mail address"


def test_the_api_list_stays_newest_first_when_a_customer_replied(client, bearer, desk):
    older = _customer_ticket(desk.site, email="first@example.com")
    clock.set_now(NOW + timedelta(minutes=5))
    newer = _customer_ticket(desk.site, email="second@example.com")
    add_customer_message(_fresh(older), "Any news?", "email", NOW + timedelta(minutes=6))
    db.session.commit()
    listed = client.get("/api/v1/tickets", headers=bearer(desk)).get_json()["tickets"]
    assert [t["ref"] for t in listed] == [newer.ref, older.ref]
    replied = {t["ref"]: t["customer_replied_at"] for t in listed}
    assert replied[newer.ref] is None
    assert replied[older.ref] == (NOW + timedelta(minutes=6)).isoformat()


@pytest.mark.parametrize("category", ["nul\x00byte", "\ud800", 12345, ["Long wait"],
                                      {"name": "Long wait"}, True, "x" * 10_000])
def test_a_hostile_category_when_owning_is_4xx_and_writes_nothing(client, bearer, desk,
                                                                  category):
    ticket = _customer_ticket(desk.site)
    response = _own(client, bearer(desk), ticket, dimension="responsiveness",
                    category=category)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert "category" in str(response.get_json()["error"])
    assert _fresh(ticket).version == 1
