"""The customers page before any search (repeat and recent complainants), the customer's
earlier tickets on a ticket's page, and web forms that pre-select no category, remedy,
root cause, fault or customer answer."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from tests.support.queries import recorded_statements
from tests.web.ticket_helpers import FIX, RESOLUTION, fresh, in_hours, post_action
from tickets.categories import active_categories
from tickets.customer_history import customer_history
from tickets.models import Ticket

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(app):
    clock.set_now(T0)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _section(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}"')
    return page[start:page.index("</ul>", start)]


def _again(make_ticket, first: Ticket, days_later: float, **fields) -> Ticket:
    """Another ticket of `first`'s customer, opened `days_later` after T0."""
    clock.set_now(T0 + timedelta(days=days_later))
    ticket = make_ticket(owner=first.owner, site=first.site, **fields)
    ticket.customer_id = first.customer_id
    db.session.commit()
    return ticket


def test_the_customers_page_lists_repeat_and_recent_complainants_before_any_search(
        client, login, make_ticket, make_site):
    once = make_ticket()
    twice = make_ticket(site=once.site)
    _again(make_ticket, twice, 2)
    long_ago = make_ticket(site=once.site)
    long_ago.created_at = T0 - timedelta(days=120)
    elsewhere = make_ticket(site=make_site(name="Elsewhere"))
    db.session.commit()
    clock.set_now(T0 + timedelta(days=3))
    login("front_desk", site=once.site)
    page = _text(client.get("/customers/"))
    repeat, recent = _section(page, "repeat-complainants"), _section(page, "recent-complainants")
    assert twice.customer.name in repeat and once.customer.name not in repeat
    assert "2 tickets in 90 days" in repeat and "2 still open" in repeat
    assert recent.index(twice.customer.name) < recent.index(once.customer.name)  # latest first
    for absent in (long_ago.customer.name, elsewhere.customer.name):
        assert absent not in page
    searched = _text(client.get("/customers/", query_string={"q": once.customer.name}))
    assert 'id="repeat-complainants"' not in searched and once.customer.name in searched


def test_the_complainant_lists_cost_one_query_each(client, login, make_ticket):
    first = make_ticket()
    for n in range(4):
        _again(make_ticket, make_ticket(site=first.site), 0.1 * n)
    login("supervisor", site=first.site)
    client.get("/customers/")  # warm up what every page loads
    with recorded_statements() as few:
        client.get("/customers/")
    for n in range(6):
        _again(make_ticket, make_ticket(site=first.site), 0.1 * n)
    with recorded_statements() as more:
        page = _text(client.get("/customers/"))
    assert _section(page, "repeat-complainants").count("2 tickets in 90 days") == 10
    assert len(more) == len(few)


def test_the_ticket_page_shows_the_customers_earlier_tickets_and_how_they_ended(
        client, login, make_ticket):
    first = make_ticket()
    owner = login(user=first.owner)
    post_action(client, first, "offer_fix", committed_by=in_hours(2), **FIX)
    post_action(client, first, "resolve", **RESOLUTION)
    assert fresh(first).status == "resolved"
    second = _again(make_ticket, first, 1)
    current = _again(make_ticket, first, 2)
    login(user=owner)
    page = _text(client.get(f"/tickets/{current.ref}"))
    history = page[page.index('id="customer-history"'):page.index("</section>",
                                                                  page.index('id="customer-history"'))]
    assert first.ref in history and second.ref in history and current.ref not in history
    assert history.index(second.ref) < history.index(first.ref)  # newest first
    assert RESOLUTION["outcome"] in history
    assert "Resolved" in history
    lonely = make_ticket(site=first.site)
    assert "First complaint from this customer." in _text(client.get(f"/tickets/{lonely.ref}"))


def test_the_history_is_one_query_however_long(make_ticket):
    first = make_ticket()
    for day in range(12):
        _again(make_ticket, first, day * 0.1)
    db.session.expire_all()
    ticket = db.session.get(Ticket, first.id)
    ticket.customer_id  # noqa: B018 - loaded before counting
    with recorded_statements() as counted:
        history = customer_history(ticket)
        names = [past.ticket.category.name for past in history.tickets]
    assert len(counted) == 1
    assert history.total == 12 and len(history.tickets) == len(names) == 8


def _selected(page: str, select_id: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*id="{select_id}"[^>]*>.*?</select>', page, re.S)
    assert select_html, select_id
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*selected', select_html.group(0))


def test_the_new_ticket_form_preselects_no_category_nor_dimension(client, login, make_ticket):
    make_ticket()  # the default categories
    login("front_desk")
    page = _text(client.get("/tickets/new"))
    assert _selected(page, "category_id") in ([], [""])
    assert 'name="dimension"' in page and "checked" not in re.sub(
        r'<input[^>]*name="own_now"[^>]*>', "", page)
    before = db.session.scalar(select(func.count(Ticket.id)))
    response = client.post("/tickets/new", data={
        "customer_name": "Guest Without Class", "customer_phone": "13800001111",
        "channel": "front_desk", "severity": "medium", "category_id": "",
        "description": "The room was not cleaned",
    })
    refused = _text(response)
    assert response.status_code == 422
    assert "Choose a category." in refused and "Choose what kind of service failed." in refused
    assert db.session.scalar(select(func.count(Ticket.id))) == before


def test_the_new_ticket_opens_with_what_the_person_chose(client, login, make_ticket):
    make_ticket()
    login("front_desk")
    category = next(c for c in active_categories() if c.dimension == "tangibles")
    response = client.post("/tickets/new", data={
        "customer_name": "Guest With Class", "customer_phone": "13800002222",
        "channel": "front_desk", "severity": "medium", "dimension": "tangibles",
        "category_id": str(category.id), "description": "Mould in the bathroom",
    })
    assert response.status_code == 302
    ticket = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert (ticket.dimension, ticket.category_id) == ("tangibles", category.id)


def test_fix_and_resolution_forms_start_empty_and_say_what_is_missing(
        client, login, make_ticket):
    ticket = make_ticket()
    login(user=ticket.owner)
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    assert _selected(page, "offer_fix-remedy_type") in ([], [""])
    missing = {k: v for k, v in FIX.items() if k != "remedy_type"}
    response = post_action(client, ticket, "offer_fix", committed_by=in_hours(2), **missing)
    assert response.status_code == 422 and "Choose the remedy." in _text(response)
    assert fresh(ticket).status == "owned"
    post_action(client, ticket, "offer_fix", committed_by=in_hours(2), **FIX)
    page = _text(client.get(f"/tickets/{ticket.ref}"))
    for name in ("root_cause", "fault", "customer_response"):
        assert _selected(page, f"resolve-{name}") in ([], [""]), name
    unanswered = {k: v for k, v in RESOLUTION.items()
                  if k not in ("root_cause", "fault", "customer_response")}
    response = post_action(client, ticket, "resolve", **unanswered)
    refused = _text(response)
    assert response.status_code == 422
    for reason in ("Choose the root cause.", "Choose where the fault lay", "Choose the customer",
                   "answer."):
        assert reason in refused, reason
    assert fresh(ticket).status == "fix_offered"
    post_action(client, ticket, "resolve", **{**RESOLUTION, "fault": "unknown"})
    assert (fresh(ticket).status, fresh(ticket).fault) == ("resolved", "unknown")
