"""The manager's pages for a customer's personal data: the export download, the erasure
confirmation, who may use them, and what the customer page shows."""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from followups.survey_link import survey_path
from privacy.models import PrivacyLogEntry
from privacy.scrub import REDACTED, placeholder_name
from tests.conftest import csrf_token_on
from tickets.actions import perform
from tickets.models import Ticket

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NAME, PHONE, EMAIL = "Sun Lihua", "13912340000", "sun.lihua@example.com"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"a photo of the stained carpet" * 3
OTHER_PHOTO = b"\x89PNG\r\n\x1a\n" + b"somebody else's photo" * 3
HAPPY = {"csat": "5", "recovered": "yes", "would_recommend": "yes",
         "comment": "The night manager in room 1203 was kind to me"}


def _attach(ticket, content: bytes, name: str) -> None:
    perform(ticket, "add_attachment", ticket.owner, {"content": content, "file_name": name},
            version=None, now=clock.utcnow())
    db.session.commit()


@pytest.fixture
def guest(app, make_site, make_user, make_ticket, resolve_ticket, tmp_path):
    """Our customer with a resolved ticket (its survey open) and an open one, a photo; a
    customer of the same site with their own photo. The clock at +7 days."""
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    clock.set_now(T0)
    site = make_site(name="Garden Hotel")
    owner = make_user("front_desk", site=site)
    resolved = make_ticket(owner=owner, site=site, booking_ref="BK-1",
                           customer=CustomerInput(name=NAME, phone=PHONE, email=EMAIL))
    _attach(resolved, PHOTO, "carpet.png")
    resolve_ticket(resolved)
    answered = resolve_ticket(make_ticket(owner=owner, site=site, customer=None,
                                          customer_id=resolved.customer_id))
    make_ticket(owner=owner, site=site, customer=None, customer_id=resolved.customer_id)
    other = make_ticket(owner=owner, site=site,
                        customer=CustomerInput(name="Kong Neighbour", phone="13700001111"))
    _attach(other, OTHER_PHOTO, "other.png")
    clock.set_now(T0 + timedelta(days=7))
    surveys = {t.id: next(f for f in t.follow_ups if f.kind == "survey")
               for t in (resolved, answered)}
    return {"site": site, "id": resolved.customer_id, "other": other.customer_id,
            "survey": survey_path(surveys[resolved.id], "test-secret"),
            "answered": survey_path(surveys[answered.id], "test-secret")}


def _customer(customer_id: int) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


def test_a_manager_downloads_everything_held_and_nothing_of_others(client, login, guest):
    manager = login("manager", site=guest["site"])
    response = client.get(f"/customers/{guest['id']}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    assert f"customer-{guest['id']}.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    record = json.loads(archive.read("customer.json"))
    customer = record["customer"]
    assert (customer["name"], customer["phone"], customer["email"]) == (NAME, PHONE, EMAIL)
    assert len(record["tickets"]) == 3
    first = record["tickets"][0]
    assert first["booking_ref"] == "BK-1"
    category = db.session.get(Ticket, first["id"]).category
    assert (first["category"], first["category_zh"]) == (category.name, category.name_zh)
    assert category.name_zh and category.name_zh != category.name
    assert [event["action"] for event in first["events"]][:2] == ["opened", "own"]
    assert first["fix_offers"] and {f["kind"] for f in first["follow_ups"]} == {
        "check_in", "survey"}
    (listed,) = first["attachments"]
    assert archive.read(listed["file"]) == PHOTO
    files = [name for name in archive.namelist() if name.startswith("attachments/")]
    assert files == [listed["file"]]
    assert "Kong Neighbour" not in archive.read("customer.json").decode()
    entry = db.session.scalars(select(PrivacyLogEntry)).one()
    assert (entry.action, entry.actor_id, entry.details) == (
        "exported", manager.id, {"tickets": 3, "files": 1})


@pytest.mark.parametrize("role", ["front_desk", "supervisor"])
def test_front_desk_and_supervisors_are_refused(client, login, guest, role):
    login(role, site=guest["site"])
    for method, path, data in (("GET", "export", None), ("GET", "erase", None),
                               ("POST", "erase", {"confirmation": "ERASE"})):
        response = client.open(f"/customers/{guest['id']}/{path}", method=method, data=data)
        assert response.status_code == 403, (role, method, path)
    assert _customer(guest["id"]).name == NAME
    assert db.session.scalars(select(PrivacyLogEntry)).all() == []


@pytest.mark.parametrize("role", ["front_desk", "supervisor"])
def test_another_sites_customer_is_missing_for_non_managers(client, login, make_site, guest,
                                                             role):
    login(role, site=make_site(name="Far Hotel"))
    for path in ("export", "erase"):
        assert client.get(f"/customers/{guest['id']}/{path}").status_code == 404
    assert client.post(f"/customers/{guest['id']}/erase",
                       data={"confirmation": "ERASE"}).status_code == 404
    assert _customer(guest["id"]).name == NAME


def test_a_manager_of_any_site_may_act_and_unknown_ids_are_missing(client, login, make_site,
                                                                   guest):
    login("manager", site=make_site(name="Head Office"))
    assert client.get(f"/customers/{guest['id']}/erase").status_code == 200
    for customer_id in (999_999, 2**31, 2**63):
        assert client.get(f"/customers/{customer_id}/export").status_code == 404
        assert client.post(f"/customers/{customer_id}/erase",
                           data={"confirmation": "ERASE"}).status_code == 404


def test_the_customer_page_shows_the_buttons_to_managers_only(client, login, guest):
    login("front_desk", site=guest["site"])
    page = client.get(f"/customers/{guest['id']}").get_data(as_text=True)
    assert "export-personal-data" not in page and "erase-personal-data" not in page
    login("manager", site=guest["site"])
    page = client.get(f"/customers/{guest['id']}").get_data(as_text=True)
    assert f"/customers/{guest['id']}/export" in page
    assert f"/customers/{guest['id']}/erase" in page


@pytest.mark.parametrize("typed,statuses", [
    ("erase", {422}), ("Sun", {422}), ("x" * 201, {422}), ("", {422}),
    ("Sun Lihua\x00", {400, 422}),  # the request guard may refuse the NUL byte first
])
def test_a_wrong_confirmation_erases_nothing(client, login, guest, typed, statuses):
    login("manager", site=guest["site"])
    page = client.get(f"/customers/{guest['id']}/erase").get_data(as_text=True)
    assert NAME in page and 'id="open-tickets-warning"' in page
    response = client.post(f"/customers/{guest['id']}/erase", data={"confirmation": typed})
    assert response.status_code in statuses
    assert _customer(guest["id"]).name == NAME and _customer(guest["id"]).erased_at is None


def test_typing_the_name_erases_and_the_page_says_so(client, login, guest):
    client.post(guest["answered"], data=HAPPY)
    assert client.get(guest["survey"]).status_code == 200
    login("manager", site=guest["site"])
    response = client.post(f"/customers/{guest['id']}/erase",
                           data={"confirmation": " sun  lihua "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/customers/{guest['id']}")
    customer = _customer(guest["id"])
    assert (customer.name, customer.phone, customer.email) == (
        placeholder_name(guest["id"]), None, None)
    page = client.get(f"/customers/{guest['id']}").get_data(as_text=True)
    assert "Personal data erased." in page and 'id="erased-flag"' in page
    assert "erase-personal-data" not in page and NAME not in page
    assert _customer(guest["other"]).name == "Kong Neighbour"
    tickets = db.session.scalars(select(Ticket).where(Ticket.customer_id == guest["id"]))
    attempts = [a for t in tickets for f in t.follow_ups for a in f.attempts if a.by_customer]
    assert [a.comment for a in attempts] == [REDACTED]
    assert client.get(guest["survey"]).status_code == 410
    again = client.post(f"/customers/{guest['id']}/erase", data={"confirmation": "ERASE"})
    assert again.status_code == 409


def test_the_erased_customers_export_holds_only_placeholders(client, login, guest):
    login("manager", site=guest["site"])
    client.post(f"/customers/{guest['id']}/erase", data={"confirmation": "ERASE"})
    response = client.get(f"/customers/{guest['id']}/export")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = archive.read("customer.json").decode()
    assert NAME not in document and PHONE not in document and EMAIL not in document
    assert archive.namelist() == ["customer.json"]
    assert client.get(f"/customers/{guest['id']}/erase").status_code == 302


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_erasure_needs_the_forms_csrf_token(client, login, guest):
    login("manager", site=guest["site"])
    path = f"/customers/{guest['id']}/erase"
    refused = client.post(path, data={"confirmation": "ERASE"})
    assert refused.status_code == 400
    assert _customer(guest["id"]).erased_at is None
    token = csrf_token_on(client, path)
    accepted = client.post(path, data={"confirmation": "ERASE", "csrf_token": token})
    assert accepted.status_code == 302
    assert _customer(guest["id"]).erased_at is not None
