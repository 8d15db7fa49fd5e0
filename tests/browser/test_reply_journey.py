"""In a real browser: the owner picks a canned reply, edits it and sends it; the reply shows
in the conversation with its plain text to copy."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core import clock
from correspondence.models import CustomerMessage
from correspondence.replies import TemplateInput, save_template
from customers.services import CustomerInput
from extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_owner_starts_from_a_canned_reply_and_sends_it(page, sign_in, make_user,
                                                           make_ticket):
    owner = make_user("front_desk", display_name="Lin Mei")
    ticket = make_ticket(owner=owner, customer=CustomerInput(
        name="Ann Lee", phone="13800006666", email="ann@example.net", locale="en"))
    save_template(TemplateInput(locale="en", title="Still on it",
                                body="Dear {customer}, {reference} is with {owner}."),
                  clock.utcnow())
    db.session.commit()
    sign_in(owner)
    page.goto(f"/tickets/{ticket.ref}")
    page.locator("#canned-replies").get_by_role("link", name="Still on it").click()
    reply = page.locator("#reply-body")
    expect(reply).to_be_visible()  # the reply step is opened for it
    expect(reply).to_be_focused()
    expect(reply).to_have_value(f"Dear Ann Lee, {ticket.ref} is with Lin Mei.")
    reply.fill(f"Dear Ann Lee, {ticket.ref} is with Lin Mei: the heater is fixed.")
    page.get_by_role("button", name="Send reply").click()
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("the heater is fixed")
    sent = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.kind == "reply")).one()
    expect(page.locator(f"#short-text-{sent.id}")).to_have_value(sent.short_text)
    expect(page.locator("#timeline li.timeline-reply").first).to_contain_text("Reply sent")
