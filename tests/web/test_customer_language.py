"""A customer's language (for the survey page and its mail) is chosen at intake or later,
and checked like every other field."""

from datetime import UTC, datetime

from sqlalchemy import select

from core import clock
from customers.models import Customer
from extensions import db
from tests.web.ticket_helpers import in_hours


def test_new_customers_default_to_the_staff_language_and_can_choose(client, login, app):
    from tickets.categories import active_categories, ensure_default_categories

    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ensure_default_categories()
    db.session.commit()
    desk = login("front_desk", locale="zh_Hans")
    page = client.get("/tickets/new").get_data(as_text=True)
    assert '<option selected value="zh_Hans">' in page or 'value="zh_Hans" selected' in page
    category = active_categories()[0]
    response = client.post("/tickets/new", data={
        "customer_name": "Tom Hardy", "customer_phone": "13800009999", "customer_tier": "standard",
        "customer_locale": "en", "channel": "front_desk", "dimension": category.dimension,
        "category_id": category.id, "severity": "low", "description": "Cold soup",
        "own_now": "y", "acknowledgement": "Apologised", "next_contact_by": in_hours(2),
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    customer = db.session.scalars(select(Customer)).one()
    assert customer.locale == "en" and customer.site_id == desk.site_id


def test_the_customer_page_changes_the_language_and_refuses_nonsense(client, login, app,
                                                                      make_ticket):
    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ticket = make_ticket()
    login(user=ticket.owner)
    customer = ticket.customer
    url = f"/customers/{customer.id}/edit"
    base = {"name": customer.name, "phone": customer.phone, "tier": "standard",
            "preferred_owner": ""}
    assert client.post(url, data={**base, "locale": "zh_Hans"}).status_code == 302
    db.session.refresh(customer)
    assert customer.locale == "zh_Hans"
    refused = client.post(url, data={**base, "locale": "klingon"})
    assert refused.status_code == 422
    db.session.refresh(customer)
    assert customer.locale == "zh_Hans"
    assert "中文" in client.get(f"/customers/{customer.id}").get_data(as_text=True)
