"""Queues, the filtered site list, customers: the right tickets, a constant number of queries."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event, select

from core import clock
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from tests.web.ticket_helpers import FIX, in_hours, post_action


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


@contextmanager
def counted_queries():
    """Count SQL statements, starting cold (session and `g`) as a fresh request would."""
    db.session.expire_all()
    g.__dict__.clear()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_my_tickets_and_unowned_show_the_right_tickets(client, login, make_ticket):
    mine = make_ticket()
    unowned_old = make_ticket(owner=None, site=mine.site)
    clock.set_now(clock.utcnow() + timedelta(minutes=5))
    unowned_new = make_ticket(owner=None, site=mine.site)
    someone_elses = make_ticket(site=mine.site)
    login(user=mine.owner)
    page = _page(client, "/tickets/mine")
    assert mine.ref in page and someone_elses.ref not in page
    page = _page(client, "/tickets/unowned")
    assert page.index(unowned_old.ref) < page.index(unowned_new.ref)
    assert mine.ref not in page


def test_home_page_shows_my_work(client, login, make_ticket):
    mine = make_ticket()
    login(user=mine.owner)
    assert mine.ref in _page(client, "/")


def test_approvals_is_for_supervisors(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    post_action(client, ticket, "offer_fix", committed_by=in_hours(2),
                **{**FIX, "compensation": "800"})
    assert client.get("/tickets/approvals").status_code == 403
    login("supervisor", site=ticket.site)
    assert ticket.ref in _page(client, "/tickets/approvals")


def test_site_list_filters_and_search(client, login, make_ticket):
    noisy = make_ticket(dimension="tangibles", severity="high",
                        description="Drilling next door all morning",
                        customer=CustomerInput(name="Olga Petrova", phone="13912345678"))
    billing = make_ticket(site=noisy.site, dimension="reliability", channel="phone",
                          description="Charged twice for the minibar")
    login("supervisor", site=noisy.site)
    assert billing.ref not in _page(client, "/tickets/?dimension=tangibles")
    assert noisy.ref in _page(client, "/tickets/?dimension=tangibles&severity=high")
    assert noisy.ref not in _page(client, "/tickets/?channel=phone")
    assert billing.ref in _page(client, "/tickets/?channel=phone")
    for query in ("drilling", "Olga", "1391234", noisy.ref):
        page = _page(client, f"/tickets/?q={query}")
        assert noisy.ref in page and billing.ref not in page, query
    assert noisy.ref not in _page(client, "/tickets/?from=2026-11-24")
    assert noisy.ref in _page(client, "/tickets/?from=2026-11-23&to=2026-11-23")
    page = _page(client, f"/tickets/?owner={noisy.owner.username}")
    assert noisy.ref in page and billing.ref not in page


def test_site_list_is_paginated(app, client, login, make_ticket):
    app.config["PAGE_SIZE"] = 2
    first = make_ticket()
    for _ in range(4):
        make_ticket(site=first.site)
    login("supervisor", site=first.site)
    page_one, page_three = _page(client, "/tickets/"), _page(client, "/tickets/?page=3")
    assert page_one.count("SR-0") >= 2
    assert first.ref in page_three and first.ref not in page_one


@pytest.mark.parametrize("path", ["/tickets/mine", "/tickets/unowned", "/tickets/",
                                  "/tickets/approvals", "/"])
def test_queue_pages_cost_the_same_queries_for_3_or_12_tickets(client, login, make_user,
                                                               make_ticket, path):
    supervisor = make_user("supervisor")
    for _ in range(3):
        make_ticket(owner=supervisor)
        make_ticket(owner=None, site=supervisor.site)
    login(user=supervisor)
    client.get(path)
    with counted_queries() as few:
        _page(client, path)
    for _ in range(9):
        make_ticket(owner=supervisor)
        make_ticket(owner=None, site=supervisor.site)
    with counted_queries() as many:
        _page(client, path)
    assert len(few) == len(many), many


def test_customer_type_ahead_and_repeat_flag(client, login, make_ticket):
    guest = CustomerInput(name="Zhou Min", phone="13700001234", email="zhou@example.com")
    first = make_ticket(customer=guest)
    login(user=first.owner)
    found = client.get("/customers/search?q=1370000").get_json()["customers"]
    assert [c["name"] for c in found] == ["Zhou Min"] and found[0]["repeat"] is False
    make_ticket(site=first.site, customer=None, customer_id=first.customer_id)
    for query in ("zhou@ex", "Zhou", "137 0000"):
        found = client.get(f"/customers/search?q={query}").get_json()["customers"]
        assert found and found[0]["repeat"] is True, query
    page = _page(client, f"/customers/{first.customer_id}")
    assert "Repeat complainant" in page or "repeat complainant" in page
    assert first.ref in page


def test_customers_of_other_sites_are_not_found(client, login, make_site, make_ticket):
    ticket = make_ticket(customer=CustomerInput(name="Hidden Guest", phone="13600000000"))
    login("front_desk", site=make_site(name="Far Away"))
    assert client.get("/customers/search?q=Hidden").get_json()["customers"] == []
    assert client.get(f"/customers/{ticket.customer_id}").status_code == 404


def test_preferred_owner_gets_new_tickets_of_their_customer(client, login, make_user,
                                                             make_ticket):
    first = make_ticket()
    customer = db.session.get(Customer, first.customer_id)
    assert customer.preferred_owner_id == first.owner.id
    colleague = make_user("front_desk", site=first.site)
    second = make_ticket(owner=None, opener=colleague, customer=None,
                         customer_id=customer.id)
    assert second.pending_transfer_to_id == first.owner.id
    login(user=first.owner)
    assert second.ref in _page(client, "/tickets/mine")


def test_customer_edit_validates_each_field(client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    response = client.post(f"/customers/{ticket.customer_id}/edit",
                           data={"name": "", "phone": "", "email": "not-an-email",
                                 "tier": "gold"})
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert "not-an-email" in page
    stored = db.session.scalars(select(Customer)).one()
    assert stored.name.startswith("Guest")
