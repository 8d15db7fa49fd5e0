"""Tickets the customer opened (web form, e-mail) arrive unclassified: the person who owns
them classifies them in the same step; the staff screens show what the customer wrote."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from correspondence.inbound import add_customer_message
from customers.services import CustomerInput
from extensions import db
from tests.web.test_queues_and_customers import counted_queries
from tests.web.ticket_helpers import fresh, in_hours, post_action
from tickets import signals
from tickets.categories import ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Category, Ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WORDS = "The shower was cold for two days and nobody came"


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(NOW)
    ensure_default_categories()
    db.session.commit()


@pytest.fixture
def customer_ticket(app, make_site):
    """A ticket the customer opened themselves (channel web, no category, no opener)."""

    def factory(site=None, email="li.wei@example.com", phone="", dimension=None,
                channel="web", description=WORDS):
        complaint = CustomerComplaint(
            site=site or make_site(), channel=channel, description=description,
            customer=CustomerInput(name="Li Wei", email=email, phone=phone),
            dimension=dimension,
        )
        ticket = open_customer_ticket(complaint, clock.utcnow())
        db.session.commit()
        return ticket

    return factory


def _category(name: str = "Cleanliness") -> Category:
    return db.session.scalars(select(Category).where(Category.name == name)).one()


def _page(client, ticket) -> str:
    response = client.get(f"/tickets/{ticket.ref}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _own_form(page: str) -> str:
    found = re.search(r'<div id="action-own".*?</form>', page, re.S)
    assert found, "the page offers the own form"
    return found.group(0)


def _own(client, ticket, **fields):
    data = {"acknowledgement": "Called the guest back and apologised",
            "next_contact_by": in_hours(2), **fields}
    return post_action(client, ticket, "own", **data)


def _events(ticket) -> list[str]:
    return [event.action for event in fresh(ticket).events]


def test_the_page_marks_it_unclassified_and_asks_for_the_class_in_the_own_form(
        client, login, customer_ticket):
    ticket = customer_ticket()
    login("front_desk", site=ticket.site)
    page = _page(client, ticket)
    header = page[page.index('id="ticket-header"'):page.index('id="sla-clocks"')]
    assert "Unclassified" in header
    assert "Opened by the customer (web form / e-mail)" in header
    assert "Web form" in header
    form = _own_form(page)
    assert 'name="own-dimension"' in form and 'name="own-category_id"' in form
    checkbox = re.search(r'<input[^>]*name="own-send_acknowledgement"[^>]*>', form)
    assert checkbox and "checked" in checkbox.group(0), "sending is the default"


def test_a_classified_ticket_s_own_form_has_no_class_and_no_mail_without_an_address(
        client, login, make_ticket):
    ticket = make_ticket(owner=None)  # staff intake: classified, the customer has a phone
    login("front_desk", site=ticket.site)
    page = _page(client, ticket)
    form = _own_form(page)
    assert 'name="own-dimension"' not in form and 'name="own-category_id"' not in form
    assert "own-send_acknowledgement" not in form
    assert "Unclassified" not in page


def test_the_unclassified_badge_and_the_customer_as_opener_show_in_chinese(
        client, login, customer_ticket):
    ticket = customer_ticket()
    login("front_desk", site=ticket.site, locale="zh_Hans")
    page = _page(client, ticket)
    assert "未分类" in page and "由客户提交（网页表单 / 电子邮件）" in page
    assert "网页表单" in page


def test_owning_without_a_class_is_refused_naming_both_and_changes_nothing(
        client, login, customer_ticket):
    ticket = customer_ticket()
    before = (ticket.version, ticket.status, ticket.owner_id)
    login("front_desk", site=ticket.site)
    response = _own(client, ticket, send_acknowledgement="y")
    assert response.status_code == 422
    form = _own_form(html.unescape(response.get_data(as_text=True)))
    assert "Choose what kind of service failed." in form
    assert "Choose a category." in form
    assert "Called the guest back and apologised" in form, "what was typed is kept"
    again = fresh(ticket)
    assert (again.version, again.status, again.owner_id) == before
    assert (again.dimension, again.category_id) == (None, None)
    assert _events(ticket) == ["opened"]


def test_an_inactive_or_malformed_category_is_refused(client, login, customer_ticket):
    ticket = customer_ticket()
    category = _category()
    category.active = False
    db.session.commit()
    login("front_desk", site=ticket.site)
    for value in (str(category.id), "abc", "１２"):
        response = _own(client, ticket, dimension="tangibles", category_id=value)
        assert response.status_code == 422, value
    assert fresh(ticket).status == "new"


def test_owning_with_a_class_classifies_and_owns_in_one_event(client, login, customer_ticket):
    ticket = customer_ticket()
    desk = login("front_desk", site=ticket.site)
    category = _category()
    response = _own(client, ticket, dimension="tangibles", category_id=category.id,
                    send_acknowledgement="y")
    assert response.status_code == 302
    owned = fresh(ticket)
    assert (owned.status, owned.owner_id) == ("owned", desk.id)
    assert (owned.dimension, owned.category_id, owned.is_classified) == (
        "tangibles", category.id, True)
    assert _events(ticket) == ["opened", "own"]
    assert owned.version == 2
    changes = owned.events[-1].changes
    assert changes["dimension"] == [None, "tangibles"]
    assert changes["category"] == [None, "Cleanliness"]
    assert changes["acknowledgement_mail"] == [None, "send"]
    page = _page(client, ticket)
    header = page[page.index('id="ticket-header"'):page.index('id="sla-clocks"')]
    assert "Unclassified" not in header and "Cleanliness" in header
    timeline = page[page.index('id="timeline"'):]
    assert "Dimension: — → Tangibles" in timeline
    assert "Written acknowledgement: — → to be e-mailed to the customer" in timeline


def test_the_owner_s_choice_not_to_mail_is_audited_and_announced(
        client, login, customer_ticket):
    ticket = customer_ticket()
    login("front_desk", site=ticket.site)
    announced = []

    def listen(sender, **kwargs):
        announced.append(kwargs["data"])

    signals.step_taken.connect(listen)
    try:
        response = _own(client, ticket, dimension="tangibles", category_id=_category().id)
    finally:
        signals.step_taken.disconnect(listen)
    assert response.status_code == 302
    assert fresh(ticket).events[-1].changes["acknowledgement_mail"] == [
        None, "not sent (staff choice)"]
    assert announced[-1]["send_acknowledgement"] is False
    page = _page(client, ticket)
    assert "Written acknowledgement: — → not sent (staff choice)" in page


def test_without_an_e_mail_address_there_is_no_choice_and_nothing_audited(
        client, login, customer_ticket):
    ticket = customer_ticket(email="", phone="13800001234")
    login("front_desk", site=ticket.site)
    assert "own-send_acknowledgement" not in _own_form(_page(client, ticket))
    response = _own(client, ticket, dimension="tangibles", category_id=_category().id)
    assert response.status_code == 302
    assert "acknowledgement_mail" not in fresh(ticket).events[-1].changes


def test_the_customer_s_suggested_dimension_is_preselected_and_kept(
        client, login, customer_ticket):
    ticket = customer_ticket(dimension="responsiveness")
    login("front_desk", site=ticket.site)
    page = _page(client, ticket)
    assert "suggested: Responsiveness" in page
    assert re.search(r'<option selected value="responsiveness">', _own_form(page))
    response = _own(client, ticket, category_id=_category("Long wait").id)
    assert response.status_code == 302
    owned = fresh(ticket)
    assert (owned.dimension, owned.category.name) == ("responsiveness", "Long wait")


def test_owning_a_classified_ticket_ignores_class_fields(client, login, make_ticket):
    ticket = make_ticket(owner=None, dimension="reliability")
    category_id = ticket.category_id
    login("front_desk", site=ticket.site)
    response = _own(client, ticket, dimension="tangibles", category_id=_category().id)
    assert response.status_code == 302
    owned = fresh(ticket)
    assert (owned.status, owned.dimension, owned.category_id) == (
        "owned", "reliability", category_id)
    assert "dimension" not in owned.events[-1].changes


def _customer_writes(ticket, text: str, minutes: int = 1) -> None:
    add_customer_message(fresh(ticket), text, "email", NOW + timedelta(minutes=minutes))
    db.session.commit()


def test_queues_put_the_ticket_the_customer_wrote_on_first_with_a_badge(
        client, login, make_user, make_ticket):
    owner = make_user("front_desk")
    older = make_ticket(owner=owner)
    clock.set_now(NOW + timedelta(minutes=5))
    newer = make_ticket(owner=owner, site=older.site)
    login(user=owner)
    page = html.unescape(client.get("/tickets/mine").get_data(as_text=True))
    assert page.index(older.ref) < page.index(newer.ref), "oldest first by default"
    assert "Customer replied" not in page
    _customer_writes(newer, "Any news about my room?", minutes=10)
    page = html.unescape(client.get("/tickets/mine").get_data(as_text=True))
    assert page.index(newer.ref) < page.index(older.ref)
    row = page[page.index(newer.ref):page.index(older.ref)]
    assert "Customer replied" in row
    # The site list is newest first, except that a customer's message puts a ticket first.
    page = html.unescape(client.get("/tickets/").get_data(as_text=True))
    assert page.index(newer.ref) < page.index(older.ref)
    _customer_writes(older, "Hello?", minutes=11)
    _customer_writes(newer, "Still waiting", minutes=12)
    page = html.unescape(client.get("/tickets/").get_data(as_text=True))
    assert page.index(older.ref) < page.index(newer.ref), "the longest waiting first"


def test_customer_replied_badge_in_chinese(client, login, make_ticket):
    ticket = make_ticket()
    _customer_writes(ticket, "还没有人联系我")
    login(user=ticket.owner)
    ticket.owner.locale = "zh_Hans"
    db.session.commit()
    page = client.get("/tickets/mine").get_data(as_text=True)
    assert "客户已回复" in page


def test_the_page_shows_the_customer_s_last_message_at_the_top_until_answered(
        client, login, make_ticket):
    ticket = make_ticket()
    _customer_writes(ticket, "The first note", minutes=1)
    _customer_writes(ticket, "The heater in 1203 still does not work", minutes=2)
    login(user=ticket.owner)
    page = _page(client, ticket)
    top = page[:page.index('id="ticket-header"')]
    assert 'id="customer-last-message"' in top
    assert "The heater in 1203 still does not work" in top
    assert "The first note" not in top
    assert "Customer replied" in top
    response = post_action(client, ticket, "log_contact", note="Called: engineer on the way",
                           channel="phone")
    assert response.status_code == 302
    page = _page(client, ticket)
    assert 'id="customer-last-message"' not in page
    assert "Customer replied" not in page


def test_the_timeline_tells_the_customer_s_words_apart(client, login, customer_ticket):
    ticket = customer_ticket()
    _customer_writes(ticket, "I also lost my key card")
    login("front_desk", site=ticket.site)
    page = _page(client, ticket)
    timeline = page[page.index('id="timeline"'):]
    items = re.findall(r'<li class="([^"]*)" data-action="([^"]+)">(.*?)</li>', timeline, re.S)
    kinds = {action: (css, body) for css, action, body in items}
    assert kinds["customer_message"][0] == "timeline-customer"
    assert "From the customer" in kinds["customer_message"][1]
    assert "The customer wrote" in kinds["customer_message"][1]
    assert "I also lost my key card" in kinds["customer_message"][1]
    assert kinds["opened"][0] == "timeline-customer"
    assert "system" not in kinds["opened"][1] and "the customer" in kinds["opened"][1]


def test_the_stylesheet_styles_each_kind_of_timeline_entry(client):
    response = client.get("/static/css/app.css")
    css = response.get_data(as_text=True)
    response.close()
    for name in ("timeline-reply", "timeline-note", "timeline-customer"):
        assert f"li.{name}" in css


def test_an_unclassified_ticket_shows_in_lists_and_the_board(
        client, login, customer_ticket):
    ticket = customer_ticket()
    login("supervisor", site=ticket.site)
    clock.set_now(NOW + timedelta(days=3))  # its first response is overdue: on the board
    for path in ("/tickets/", "/tickets/unowned", f"/customers/{ticket.customer_id}",
                 f"/sla/board?site={ticket.site_id}", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = html.unescape(response.get_data(as_text=True))
        assert ticket.ref in page and "Unclassified" in page, path


def test_staff_intake_still_opens_and_owns_at_once(client, login):
    desk = login("front_desk")
    category = _category()
    response = client.post("/tickets/new", data={
        "customer_name": "Ana Silva", "customer_email": "ana@example.com",
        "channel": "front_desk", "dimension": "tangibles", "category_id": category.id,
        "severity": "medium", "description": "The lift was out of order",
        "own_now": "y", "acknowledgement": "Apologised at the desk",
        "next_contact_by": in_hours(1),
    })
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.status, ticket.owner_id, ticket.opened_by_id) == ("owned", desk.id, desk.id)
    assert ticket.events[-1].changes["acknowledgement_mail"] == [None, "send"]


@pytest.mark.parametrize("field,value", [
    ("category_id", "nul\x00byte"), ("category_id", str(2**63)), ("category_id", "-1"),
    ("category_id", "²"), ("dimension", "nul\x00byte"), ("dimension", "tangibles\x00"),
    ("send_acknowledgement", "nul\x00byte"), ("acknowledgement", "nul\x00byte"),
])
def test_hostile_class_fields_when_owning_are_4xx_and_change_nothing(
        client, login, customer_ticket, field, value):
    ticket = customer_ticket()
    login("front_desk", site=ticket.site)
    fields = {"dimension": "tangibles", "category_id": str(_category().id),
              "send_acknowledgement": "y", field: value}
    response = _own(client, ticket, **fields)
    assert 400 <= response.status_code < 500, (field, value)
    assert _events(ticket) == ["opened"]
    assert fresh(ticket).category_id is None


@pytest.mark.parametrize("path", ["/tickets/mine", "/tickets/unowned", "/tickets/"])
def test_the_customer_replied_badge_costs_no_query_per_row(client, login, make_user,
                                                          make_ticket, customer_ticket, path):
    owner = make_user("supervisor")
    site = owner.site
    first = [make_ticket(owner=owner, site=site), customer_ticket(site=site)]
    _customer_writes(first[0], "Any news?", minutes=1)
    _customer_writes(first[1], "Hello?", minutes=2)
    login(user=owner)
    with counted_queries() as few:
        assert client.get(path).status_code == 200
    more = [make_ticket(owner=owner, site=site) for _ in range(3)]
    more += [customer_ticket(site=site, email=f"guest{n}@example.com") for n in range(3)]
    for n, ticket in enumerate(more):
        _customer_writes(ticket, f"Still waiting ({n})", minutes=3 + n)
    with counted_queries() as many:
        page = html.unescape(client.get(path).get_data(as_text=True))
    assert page.count("Customer replied") >= 4
    assert len(many) == len(few), "no query per ticket"
