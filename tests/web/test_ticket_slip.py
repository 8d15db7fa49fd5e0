"""The printed ticket slip: staff of the ticket's site only, in the customer's language,
with the reference, the owner, the promise and the status link as a QR code and as text."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from correspondence.links import status_url
from customers.services import CustomerInput
from tests.web.test_csrf_and_headers import csp_offences

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def ticket(app, make_site, make_user, make_ticket):
    clock.set_now(T0)
    owner = make_user("front_desk", site=make_site(name="Harbour Hotel"),
                      display_name="Grace Wang")
    return make_ticket(owner=owner, customer=CustomerInput(name="Lin Hua", phone="13911112222"),
                       ownership={"acknowledgement": "Apologised at the desk",
                                  "next_contact_by": T0 + timedelta(hours=2)})


def test_staff_of_the_site_print_the_slip_with_the_reference_and_the_qr(client, login,
                                                                       make_user, ticket):
    login(user=make_user("front_desk", site=ticket.site))
    response = client.get(f"/tickets/{ticket.ref}/slip")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert ticket.ref in text and "Harbour Hotel" in text and "Grace Wang" in text
    assert "We will contact you again by today at 12:00." in text
    assert '<svg viewBox="0 0 ' in text and 'class="slip-qr"' in text and "<path" in text
    assert status_url(ticket) in text
    assert "css/slip.css" in text and csp_offences(text) == []


def test_the_slip_is_in_the_customers_language(client, login, make_user, make_ticket, ticket):
    chinese = make_ticket(owner=ticket.owner, customer=CustomerInput(
        name="Wang Li", phone="13922223333", locale="zh_Hans"))
    login(user=make_user("front_desk", site=ticket.site))
    text = client.get(f"/tickets/{chinese.ref}/slip").get_data(as_text=True)
    assert 'lang="zh-Hans"' in text and "请保留此单。" in text
    assert "Grace 正在负责处理您的投诉。" in text


def test_another_sites_staff_get_a_404_and_strangers_the_sign_in(client, login, make_site,
                                                                make_user, ticket):
    assert client.get(f"/tickets/{ticket.ref}/slip").headers["Location"].startswith("/sign-in")
    login(user=make_user("supervisor", site=make_site(name="Other Hotel")))
    assert client.get(f"/tickets/{ticket.ref}/slip").status_code == 404
    assert client.get("/tickets/SR-999999/slip").status_code == 404
