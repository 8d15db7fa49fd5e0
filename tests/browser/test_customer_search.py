"""The new-ticket type-ahead in a real browser: it searches the site the ticket is opened
for, and says when the customer already has a ticket in the last 90 days."""

import re

import pytest
from playwright.sync_api import expect

from customers.services import CustomerInput
from tickets.categories import ensure_default_categories

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_a_manager_finds_customers_of_the_chosen_site(page, sign_in, make_site, make_user,
                                                      make_ticket):
    ensure_default_categories()
    north, south = make_site(name="North Inn"), make_site(name="South Inn")
    make_ticket(site=north, customer=CustomerInput(name="Wang North", phone="13900000001"))
    make_ticket(site=south, customer=CustomerInput(name="Li Wang", phone="13900000002"))
    sign_in(make_user("manager", site=north))
    page.goto("/tickets/new")
    options = page.locator("#customer-results [role=option]")
    page.get_by_label("Find by phone, e-mail or name").fill("wang")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Wang North")
    page.get_by_label("Site").select_option(label="South Inn")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Li Wang")
    expect(options.first).to_contain_text("has a ticket in the last 90 days")
    options.first.click()
    expect(page.locator("#customer-chosen")).to_contain_text(
        re.compile("Li Wang.*has a ticket in the last 90 days"))
    page.get_by_label("Site").select_option(label="North Inn")
    expect(page.locator("#customer-chosen")).to_be_hidden()
    expect(page.locator("#customer_id").first).to_have_value("")
    expect(options.first).to_contain_text("Wang North")
