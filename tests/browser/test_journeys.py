"""Journeys in a real browser: the front desk at the counter, the supervisor's approval."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core import clock
from customers.services import CustomerInput
from extensions import db
from tests.browser.support import open_nav_link
from tickets.categories import ensure_default_categories
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _local(hours: float) -> str:
    from zoneinfo import ZoneInfo

    moment = clock.utcnow() + timedelta(hours=hours)
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def test_front_desk_captures_owns_and_offers_a_fix(page, sign_in, make_user, make_ticket):
    ensure_default_categories()
    earlier = make_ticket(customer=CustomerInput(name="Wang Lei", phone="13912340000"))
    desk = make_user("front_desk", site=earlier.site)
    sign_in(desk)
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="New ticket").first.click()
    page.get_by_label("Find by phone, e-mail or name").fill("1391234")
    page.get_by_role("option", name=re.compile("Wang Lei")).click()
    expect(page.locator("#customer-chosen")).to_contain_text("Wang Lei")
    page.get_by_label("What the customer said, in their words").fill(
        "The shower has no hot water, second time this week"
    )
    page.get_by_label(re.compile("^Tangibles")).check()
    offered = page.locator("#category_id option:not([disabled])").all_inner_texts()
    assert "Equipment broken" in offered and "Booking error" not in offered
    page.get_by_label("Category").select_option(label="Equipment broken")
    page.get_by_label("Severity").select_option("high")
    expect(page.get_by_label("I own this now")).to_be_checked()
    page.get_by_label("What you said to the customer, and how").fill(
        "Apologised at the desk; engineer on the way"
    )
    page.get_by_label("Next contact by (your promise)").fill(_local(0.5))
    page.get_by_role("button", name="Open ticket").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"SR-\d{6}"))
    expect(page.locator("#ticket-header")).to_contain_text("Wang Lei")
    expect(page.get_by_text("Owned", exact=True).first).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Apologised at the desk")

    page.get_by_label("What will be done").fill("Sorry!")
    page.get_by_label("Remedy").select_option("repair_redo")
    page.get_by_label("Done by").fill(_local(2))
    page.get_by_role("button", name="Offer this fix").click()
    expect(page.get_by_text("An apology alone is not a fix").first).to_be_visible()
    expect(page.get_by_label("What will be done")).to_have_value("Sorry!")

    page.get_by_label("What will be done").fill("Move to room 1506 now; engineer fixes 1203")
    page.get_by_label("Compensation").fill("88.00")
    page.get_by_label("Done by").fill(_local(2))
    page.get_by_role("button", name="Offer this fix").click()
    expect(page.get_by_text("Fix offered", exact=True).first).to_be_visible()
    expect(page.locator("#offers-heading")).to_be_visible()
    db.session.expire_all()
    ticket = db.session.query(Ticket).filter(Ticket.customer_id == earlier.customer_id,
                                             Ticket.id != earlier.id).one()
    assert (ticket.status, ticket.owner_id) == ("fix_offered", desk.id)


def test_supervisor_approves_from_the_queue(page, sign_in, make_user, make_ticket):
    from tickets.actions import perform

    ticket = make_ticket()
    perform(ticket, "offer_fix", ticket.owner, {
        "action": "Refund both nights", "remedy_type": "refund", "compensation": "960",
        "committed_by": clock.utcnow() + timedelta(hours=3),
    }, version=ticket.version, now=clock.utcnow())
    db.session.commit()
    supervisor = make_user("supervisor", site=ticket.site)
    sign_in(supervisor)
    open_nav_link(page, "/tickets/approvals")  # in the Manage menu, behind the toggler at 1024
    page.get_by_role("link", name=ticket.ref).click()
    expect(page.locator("#offers-heading")).to_be_visible()
    page.get_by_role("button", name="Approve").last.click()
    expect(page.get_by_text("Fix offered", exact=True).first).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).status == "fix_offered"


def test_the_layout_fits_a_tablet_and_focus_is_visible(page, sign_in, make_user):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(make_user("front_desk"))
    page.goto("/tickets/new")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 768
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"


def test_supervisor_sees_the_breach_on_the_bell_and_the_board(page, sign_in, make_user,
                                                              make_ticket):
    from datetime import UTC, datetime

    from jobs.sweep import sweep

    clock.set_now(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ticket = make_ticket(owner=None, severity="critical")
    supervisor = make_user("supervisor", site=ticket.site)
    clock.set_now(datetime(2026, 11, 23, 2, 20, tzinfo=UTC))
    sweep(clock.utcnow())
    db.session.commit()  # the sweep's job boundary: the browser reads another connection
    sign_in(supervisor)
    expect(page.locator("#notification-bell")).to_contain_text("1")
    page.locator("#notification-bell").click()
    missed = f"{ticket.ref}: the first response deadline was missed"
    expect(page.get_by_text(missed)).to_be_visible()
    page.goto("/sla/board")
    row = page.locator("#sla-board tr", has_text=ticket.ref)
    expect(row).to_contain_text("Breached")
    expect(row).to_contain_text("5 min overdue")
    row.get_by_label(f"Reason to escalate {ticket.ref}").fill("Guest checking out at noon")
    row.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("Escalated: " + ticket.ref)).to_be_visible()
